BEGIN;
INSERT INTO users (name) VALUES ('cy');
SELECT string_agg(id || name, ',' ORDER BY id) = '1ann,2bob,3cy' FROM users;
ROLLBACK;
