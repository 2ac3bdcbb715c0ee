-- Issue 18.15: partitioned tables are made with PARTITION BY and their
-- partitions with PARTITION OF (not as plain tables); partitions are
-- added and dropped; the parent's columns and
-- indexes change once, for every partition.
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text DEFAULT 'x', PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_kind ON events (kind);
