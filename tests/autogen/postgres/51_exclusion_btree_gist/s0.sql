CREATE TABLE room (id integer PRIMARY KEY);
