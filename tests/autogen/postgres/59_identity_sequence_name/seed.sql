INSERT INTO people (name) VALUES ('ann'), ('bob');
