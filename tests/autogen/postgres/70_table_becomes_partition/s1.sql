-- Issue 18.15: a table that becomes a partition (or stops being one)
-- is said as a hand-written revision, never made as a plain table.
CREATE TABLE m (id integer NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE m_old PARTITION OF m FOR VALUES FROM ('2000-01-01') TO ('2020-01-01');
