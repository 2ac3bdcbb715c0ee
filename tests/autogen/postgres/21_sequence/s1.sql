CREATE SEQUENCE invoice_no START 1000 INCREMENT BY 10 MAXVALUE 999999;
CREATE SEQUENCE order_no AS bigint CYCLE;
CREATE TABLE t (id integer PRIMARY KEY, v text, n serial, inv integer DEFAULT nextval('invoice_no'));
