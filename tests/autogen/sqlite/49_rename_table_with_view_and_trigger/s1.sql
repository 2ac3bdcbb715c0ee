-- dbrev: rename table people -> persons
CREATE TABLE persons (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE log (msg TEXT);
CREATE VIEW names AS SELECT name FROM persons;
CREATE TRIGGER people_log AFTER INSERT ON persons BEGIN INSERT INTO log VALUES (new.name); END;
