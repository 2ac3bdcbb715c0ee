DO $body$ BEGIN EXECUTE 'DROP TABLE t'; END $body$;
CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql
BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; DROP TABLE t; END;
SELECT E'it\'s; DROP', $$x;$$, $a$ $$ $a$, U&"d;", 'a''b', /* c /* d */ e */ 1;
SELECT set_config('lock_timeout', '1s', true); BEGIN; COMMIT; ROLLBACK TO SAVEPOINT s;
