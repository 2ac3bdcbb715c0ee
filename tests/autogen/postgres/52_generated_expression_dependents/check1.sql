SELECT (SELECT string_agg(total::text, ',' ORDER BY id) FROM items) = '12.000,36.000,0.000'
   AND (SELECT count(*) FROM pg_indexes WHERE tablename = 'items') = 4
   AND (SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass) = 3;
