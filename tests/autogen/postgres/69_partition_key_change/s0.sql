-- Issue 18.15: a changed partition key cannot be made in place: said as
-- a hand-written revision.
CREATE TABLE m (id integer NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
