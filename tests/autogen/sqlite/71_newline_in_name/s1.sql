CREATE TABLE keep (id INTEGER PRIMARY KEY, v TEXT);
-- A name may hold a newline: the comment that names it must not end there.
CREATE TABLE "x
DROP TABLE keep;--" (a TEXT);
CREATE INDEX "i
DELETE FROM keep;--" ON "x
DROP TABLE keep;--" (a);
