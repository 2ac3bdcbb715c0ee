SELECT enum_range(NULL::mood)::text = '{sad,meh,ok,happy}'
   AND (SELECT string_agg(id::text, ',' ORDER BY id) FROM happy_days) = '1,2';
