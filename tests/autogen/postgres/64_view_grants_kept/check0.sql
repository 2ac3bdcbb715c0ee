SELECT has_table_privilege('dbrev_reader', 'balances', 'SELECT')
   AND has_table_privilege('dbrev "Writer"', 'balances', 'UPDATE WITH GRANT OPTION')
   AND has_column_privilege('dbrev_reader', 'accounts', 'doubled', 'SELECT')
   AND NOT has_column_privilege('dbrev_reader', 'accounts', 'owner', 'SELECT');
