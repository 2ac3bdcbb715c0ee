INSERT INTO accounts (id, owner, balance) VALUES (1, 'ann', 10);
