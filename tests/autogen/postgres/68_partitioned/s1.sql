-- Issue 18.15: partitioned tables are made with PARTITION BY and their
-- partitions with PARTITION OF (not as plain tables); partitions are
-- added and dropped; the parent's columns and
-- indexes change once, for every partition.
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind varchar(20) DEFAULT 'y', note text,
    PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events (CONSTRAINT recent CHECK (id > 0))
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_kind ON events (kind);
CREATE INDEX events_at ON events (at);
CREATE TABLE logs (id bigint, level text NOT NULL) PARTITION BY LIST (level);
CREATE TABLE logs_error PARTITION OF logs FOR VALUES IN ('error', 'fatal') PARTITION BY HASH (id);
CREATE TABLE logs_error_0 PARTITION OF logs_error FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE logs_error_1 PARTITION OF logs_error FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE logs_other PARTITION OF logs DEFAULT;
