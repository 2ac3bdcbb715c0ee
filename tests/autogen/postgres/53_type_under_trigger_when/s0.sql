-- Issue 18.9: a column read by a trigger's WHEN clause changes type.
CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL, note varchar(20));
CREATE TABLE audit (id serial PRIMARY KEY, account integer, at timestamptz DEFAULT now());
CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit (account) VALUES (NEW.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER accounts_log AFTER UPDATE ON accounts FOR EACH ROW
    WHEN (NEW.balance IS DISTINCT FROM OLD.balance) EXECUTE FUNCTION log_change();
CREATE TRIGGER accounts_note BEFORE UPDATE OF note ON accounts FOR EACH ROW
    WHEN (NEW.note IS NOT NULL) EXECUTE FUNCTION log_change();
