INSERT INTO codes VALUES (1, 'abc', 'ab'), (2, 'longer than ten', 'abcd');
