SELECT has_table_privilege('dbrev_reader', 'app.items', 'SELECT')
   AND NOT has_table_privilege('dbrev_app', 'app.items', 'INSERT')
   AND has_function_privilege('dbrev_reader', 'app.total()', 'EXECUTE')
   AND has_type_privilege('dbrev_reader', 'app.kind', 'USAGE')
   AND NOT has_schema_privilege('dbrev_app', 'app', 'USAGE');
