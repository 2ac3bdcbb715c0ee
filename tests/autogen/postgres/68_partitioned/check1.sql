SELECT (SELECT count(*) FROM events) = 2
   AND (SELECT relkind FROM pg_class WHERE relname = 'logs_error') = 'p'
   AND (SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass) = 3
   AND (SELECT count(*) FROM pg_indexes WHERE tablename = 'events_2025') = 3;
