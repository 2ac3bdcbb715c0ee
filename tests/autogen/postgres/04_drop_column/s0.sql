CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, legacy text, score integer DEFAULT 0);
