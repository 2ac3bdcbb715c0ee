INSERT INTO log (rowid, at, line) VALUES (3, '09:00', 'up'), (8, '09:05', 'down'), (12, '09:07', 'up');
