INSERT INTO Orders (ref) VALUES ('a'), ('b'), ('c'), ('d'), ('e');
DELETE FROM Orders WHERE id > 3;
