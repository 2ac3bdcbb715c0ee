BEGIN;
INSERT INTO shirts (id) VALUES (4);
SELECT string_agg(id::text, ',' ORDER BY sz, id) = '2,3,4,1' FROM shirts;
ROLLBACK;
