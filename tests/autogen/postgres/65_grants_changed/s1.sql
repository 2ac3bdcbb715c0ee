-- Issue 18.14: GRANTs differ and are written: table, column, sequence,
-- function (the PUBLIC default revoked), schema and type privileges.
CREATE SCHEMA app;
CREATE TYPE app.kind AS ENUM ('a', 'b');
CREATE TABLE app.items (id serial PRIMARY KEY, name text, price numeric);
CREATE FUNCTION app.total() RETURNS numeric LANGUAGE sql AS 'SELECT sum(price) FROM app.items';
GRANT USAGE ON SCHEMA app TO dbrev_app;
GRANT INSERT, SELECT ON app.items TO dbrev_app;
GRANT UPDATE (name) ON app.items TO dbrev_app;
GRANT USAGE ON SEQUENCE app.items_id_seq TO dbrev_app;
REVOKE EXECUTE ON FUNCTION app.total() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.total() TO dbrev_app;
REVOKE USAGE ON TYPE app.kind FROM PUBLIC;
