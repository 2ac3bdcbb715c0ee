INSERT INTO t VALUES (1, 'A@x', '{a,b}', true, '2026-01-01'), (2, 'b@x', '{}', false, NULL);
