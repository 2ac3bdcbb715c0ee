SET enable_seqscan = off;
SELECT (SELECT string_agg(id::text, ',' ORDER BY id) FROM players WHERE score(points) = 20) = '1'
   AND (SELECT string_agg(rank::text, ',' ORDER BY id) FROM players) = '20,80'
   AND (SELECT sum(touched) FROM players) = 0;
