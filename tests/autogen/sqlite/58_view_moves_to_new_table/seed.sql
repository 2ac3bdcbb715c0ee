INSERT INTO old_t VALUES ('x');
