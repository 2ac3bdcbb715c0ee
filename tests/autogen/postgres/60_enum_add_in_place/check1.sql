BEGIN;
INSERT INTO tasks VALUES (3, 'medium'), (4, 'urgent');
SELECT string_agg(id::text, ',' ORDER BY p) = '1,3,2,4' FROM tasks;
ROLLBACK;
