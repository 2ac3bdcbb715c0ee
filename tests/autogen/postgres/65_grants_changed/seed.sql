INSERT INTO app.items (name, price) VALUES ('x', 2);
