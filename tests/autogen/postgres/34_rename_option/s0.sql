CREATE TABLE items (id integer PRIMARY KEY, qty integer);
