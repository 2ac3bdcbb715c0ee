CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
CREATE FUNCTION gone() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;
CREATE TABLE t (id integer PRIMARY KEY, n integer CHECK (add_one(n) > 0));
