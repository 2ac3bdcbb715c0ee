CREATE TABLE keep (id INTEGER PRIMARY KEY, v TEXT);
-- A rebuild of a table whose name holds a newline, SQL and quotes.
CREATE TABLE "Odd
DROP TABLE keep;--" (id INTEGER PRIMARY KEY AUTOINCREMENT, "a;b $(x) # 'q' ""d""" TEXT CHECK ("a;b $(x) # 'q' ""d""" <> 'it''s'), n TEXT COLLATE NOCASE);
