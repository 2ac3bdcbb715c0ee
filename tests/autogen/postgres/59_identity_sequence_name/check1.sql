BEGIN;
INSERT INTO persons (name) VALUES ('cy');
SELECT pg_get_serial_sequence('persons', 'id') = 'public.persons_id_seq'
   AND (SELECT id FROM persons WHERE name = 'cy') = 3;
ROLLBACK;
