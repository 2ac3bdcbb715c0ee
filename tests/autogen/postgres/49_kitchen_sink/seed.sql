INSERT INTO accounts (login, role, score) VALUES ('ann', 'admin', 3), ('bob', 'user', 1);
INSERT INTO posts (account_id, title, body) VALUES (1, 'hello', 'first'), (2, 'again', 'second');
