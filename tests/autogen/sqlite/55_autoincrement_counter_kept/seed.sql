INSERT INTO t (v) VALUES ('a'), ('b'), ('c'), ('d'), ('e');
DELETE FROM t WHERE id > 3;
