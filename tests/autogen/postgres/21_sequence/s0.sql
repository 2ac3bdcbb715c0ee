CREATE SEQUENCE invoice_no START 1000;
CREATE TABLE t (id integer PRIMARY KEY, v text);
