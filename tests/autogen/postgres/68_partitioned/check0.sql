SELECT (SELECT count(*) FROM events) = 2 AND (SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass) = 2;
