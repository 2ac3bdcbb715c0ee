BEGIN;
INSERT INTO moods VALUES ('glad');
INSERT INTO days (id, m, history, best) VALUES (4, 'happy', '{glad}', 'glad');
SELECT enum_range(NULL::mood)::text = '{sad,ok,glad,happy}'
   AND (SELECT string_agg(id::text, ',' ORDER BY id) FROM happy_days) = '1,2,4'
   AND (SELECT history::text FROM days WHERE id = 2) = '{ok}'
   AND cheer('sad') = 'happy'
   AND obj_description('mood'::regtype, 'pg_type') = 'how it went'
   AND (SELECT count(*) FROM pg_indexes WHERE indexname = 'days_happy') = 1
   AND (SELECT count(*) FROM pg_trigger WHERE tgname = 'days_note') = 1;
ROLLBACK;
