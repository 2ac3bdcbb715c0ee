-- Issue 18.7: conversions that change values that fit are said, in the
-- revision and on stderr: a smaller numeric scale or seconds precision
-- rounds; text read as a number loses its spelling.
CREATE TABLE prices (id integer PRIMARY KEY, amount numeric(12, 2), at timestamp(0), code integer, note varchar(50));
