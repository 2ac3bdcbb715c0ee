SELECT (SELECT string_agg(concat_ws(':', attname, attstorage::text, attcompression::text, attstattarget), ',' ORDER BY attnum)
          FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attnum > 0)
       = 'id:p::0,title:e:l:-1,body:m:p:-1,tags:x::500'
   AND (SELECT relreplident FROM pg_class WHERE oid = 'docs'::regclass) = 'f'
   AND (SELECT indisreplident FROM pg_index WHERE indexrelid = 'events_id'::regclass);
