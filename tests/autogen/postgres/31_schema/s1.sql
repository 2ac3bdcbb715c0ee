CREATE SCHEMA billing;
CREATE TYPE billing.state AS ENUM ('open', 'paid');
CREATE TABLE t (id integer PRIMARY KEY);
CREATE TABLE billing.invoice (id integer PRIMARY KEY, t_id integer REFERENCES public.t (id), state billing.state NOT NULL);
CREATE INDEX invoice_state ON billing.invoice (state);
CREATE VIEW billing.open AS SELECT id FROM billing.invoice WHERE state = 'open';
