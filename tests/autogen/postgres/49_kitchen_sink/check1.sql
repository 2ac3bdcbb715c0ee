SELECT string_agg(content, ',' ORDER BY id) = 'first,second' FROM posts;
