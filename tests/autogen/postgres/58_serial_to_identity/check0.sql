BEGIN;
INSERT INTO orders (item) VALUES ('after');
INSERT INTO tickets (note) VALUES ('after');
SELECT (SELECT id FROM orders WHERE item = 'after') > 4
   AND (SELECT n FROM tickets WHERE note = 'after') > 3;
ROLLBACK;
