SELECT string_agg(full_name, ',' ORDER BY id) = 'Ann Lee,Bob Ray' FROM users;
