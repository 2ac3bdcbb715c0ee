-- Issue 18.7: conversions that change values that fit are said, in the
-- revision and on stderr: a smaller numeric scale or seconds precision
-- rounds; text read as a number loses its spelling.
CREATE TABLE prices (id integer PRIMARY KEY, amount numeric(12, 4), at timestamp(6), code text, note varchar(50));
