INSERT INTO keep VALUES (1, 'a'), (2, 'b');
INSERT INTO gone VALUES (10, 1);
