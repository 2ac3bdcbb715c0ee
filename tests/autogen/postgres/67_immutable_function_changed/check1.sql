SET enable_seqscan = off;
SELECT (SELECT string_agg(id::text, ',' ORDER BY id) FROM players WHERE score(points) = 30) = '1'
   AND (SELECT string_agg(id::text, ',' ORDER BY id) FROM players WHERE score(points) > 100) = '2'
   AND (SELECT string_agg(rank::text, ',' ORDER BY id) FROM players) = '30,120'
   AND (SELECT sum(touched) FROM players) = 0
   AND (SELECT tgenabled FROM pg_trigger WHERE tgname = 'players_touch') = 'O';
