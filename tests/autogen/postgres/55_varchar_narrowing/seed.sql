INSERT INTO codes VALUES (1, 'abc', ARRAY['x', 'yz'], B'101'), (2, 'ten chars!', NULL, NULL);
