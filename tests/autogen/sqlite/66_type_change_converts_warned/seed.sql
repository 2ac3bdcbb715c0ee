INSERT INTO codes VALUES
    (1, '007', '1e3', 7, 2.0, 'x', 1),
    (2, '12345678901234567890', '1.50', 8, 2.5, 'y', 2),
    (3, 'abc', NULL, NULL, NULL, 'z', 3);
