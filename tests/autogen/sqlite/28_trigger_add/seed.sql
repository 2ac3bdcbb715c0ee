INSERT INTO events VALUES (1, 'a', '2026', 'x'), (2, 'b', '2025', NULL);
