BEGIN;
INSERT INTO t (id) VALUES (3);
SELECT enum_range(NULL::status)::text = '{draft,new,active,done,archived}'
   AND (SELECT s FROM t WHERE id = 3) = 'active';
ROLLBACK;
