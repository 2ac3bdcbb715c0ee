SELECT enum_range(NULL::priority)::text = '{low,high}';
