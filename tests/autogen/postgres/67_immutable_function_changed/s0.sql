-- Issue 18.11: a changed IMMUTABLE function used by an expression index
-- and a stored generated column: the index is built again and the
-- column computed again (without running the table's update triggers).
CREATE FUNCTION score(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
CREATE TABLE players (id integer PRIMARY KEY, points integer NOT NULL, touched integer NOT NULL DEFAULT 0,
    rank integer GENERATED ALWAYS AS (score(points)) STORED);
CREATE INDEX players_score ON players (score(points));
CREATE INDEX players_top ON players (id) WHERE score(points) > 100;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := OLD.touched + 1; RETURN NEW; END$$;
CREATE TRIGGER players_touch BEFORE UPDATE ON players FOR EACH ROW EXECUTE FUNCTION touch();
