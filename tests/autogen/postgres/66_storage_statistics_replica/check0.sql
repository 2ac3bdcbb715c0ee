SELECT (SELECT string_agg(concat_ws(':', attname, attstorage::text, attcompression::text, attstattarget), ',' ORDER BY attnum)
          FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attnum > 0)
       = 'id:p::-1,title:x::-1,body:x::-1,tags:x::-1'
   AND (SELECT relreplident FROM pg_class WHERE oid = 'docs'::regclass) = 'd'
   AND (SELECT relreplident FROM pg_class WHERE oid = 'events'::regclass) = 'd';
