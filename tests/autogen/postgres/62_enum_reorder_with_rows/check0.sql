SELECT string_agg(id::text, ',' ORDER BY sz, id) = '2,1,3' FROM shirts;
