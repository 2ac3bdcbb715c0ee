INSERT INTO docs (title, body) VALUES ('one', 'alpha'), ('two', 'beta'),
    ('three', 'gamma'), ('four', 'delta'), ('five', 'epsilon');
DELETE FROM docs WHERE title IN ('one', 'three');
INSERT INTO notes (rowid, body) VALUES (10, 'ten'), (20, 'twenty');
