-- dbrev: rename table authors -> writers
CREATE TABLE writers (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES writers(id), title TEXT);
