INSERT INTO keep VALUES (1, 'kept');
INSERT INTO "Odd
DROP TABLE keep;--" ("a;b $(x) # 'q' ""d""", n) VALUES ('x', '1'), (NULL, '2'), ('z', '3');
DELETE FROM "Odd
DROP TABLE keep;--" WHERE id = 3;
