CREATE TABLE t (id bigint PRIMARY KEY, n bigint NOT NULL, code text, amount numeric(12, 2), ratio double precision);
