CREATE TABLE t (id integer PRIMARY KEY, v text);
CREATE INDEX t_v ON t (v);
COMMENT ON TABLE t IS 'old';
COMMENT ON COLUMN t.v IS 'value';
