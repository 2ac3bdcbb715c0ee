CREATE TABLE a (x, y);
CREATE TEMP TABLE scratch (z);
