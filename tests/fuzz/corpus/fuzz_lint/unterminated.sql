CREATE TABLE t (a int); -- unterminated
SELECT $tag$ never closed
