CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history (account_id INTEGER, amount INTEGER);
CREATE TRIGGER history_apply AFTER INSERT ON history BEGIN
    UPDATE accounts SET balance = balance + new.amount WHERE id = new.account_id;
END;
