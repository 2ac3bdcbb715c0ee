SELECT (SELECT string_agg(amount::text, ',' ORDER BY id) FROM lines) = '150.75,9.99'
   AND (SELECT count(*) FROM big_lines) = 1
   AND (SELECT count(*) FROM pg_indexes WHERE tablename = 'lines') = 3;
