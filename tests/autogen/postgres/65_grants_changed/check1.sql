SELECT NOT has_table_privilege('dbrev_reader', 'app.items', 'SELECT')
   AND has_table_privilege('dbrev_app', 'app.items', 'INSERT')
   AND has_column_privilege('dbrev_app', 'app.items', 'name', 'UPDATE')
   AND NOT has_column_privilege('dbrev_app', 'app.items', 'price', 'UPDATE')
   AND has_sequence_privilege('dbrev_app', 'app.items_id_seq', 'USAGE')
   AND NOT has_function_privilege('dbrev_reader', 'app.total()', 'EXECUTE')
   AND has_function_privilege('dbrev_app', 'app.total()', 'EXECUTE')
   AND has_schema_privilege('dbrev_app', 'app', 'USAGE')
   AND NOT has_type_privilege('dbrev_reader', 'app.kind', 'USAGE');
