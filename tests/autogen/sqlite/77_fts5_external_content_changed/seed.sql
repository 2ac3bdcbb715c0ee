INSERT INTO docs (id, title, body) VALUES (1, 'one', 'alpha'), (2, 'two', 'beta'), (3, 'three', 'gamma');
