-- Issue 18.14: GRANTs differ and are written: table, column, sequence,
-- function (the PUBLIC default revoked), schema and type privileges.
CREATE SCHEMA app;
CREATE TYPE app.kind AS ENUM ('a', 'b');
CREATE TABLE app.items (id serial PRIMARY KEY, name text, price numeric);
CREATE FUNCTION app.total() RETURNS numeric LANGUAGE sql AS 'SELECT sum(price) FROM app.items';
GRANT SELECT ON app.items TO dbrev_reader;
