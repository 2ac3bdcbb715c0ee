SELECT enum_range(NULL::status)::text = '{new,done}';
