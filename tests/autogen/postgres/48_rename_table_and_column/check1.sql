SELECT string_agg(full_name || age, ',' ORDER BY id) = 'ann30,bob40' FROM users;
