--revision:abc
--parents: p1  p2

-- comment
--+upgrade
SELECT 1;
-- +downgrade
