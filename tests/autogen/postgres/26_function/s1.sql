CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 2 $$;
CREATE FUNCTION greet(name text, loud boolean DEFAULT false) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF loud THEN RETURN upper('hello ' || name); END IF;
    RETURN 'hello ' || name;
END $$;
CREATE TABLE t (id integer PRIMARY KEY, n integer CHECK (add_one(n) > 0), d integer DEFAULT add_one(0));
