SELECT string_agg(name, ',' ORDER BY id) = 'ann,bob' FROM users;
