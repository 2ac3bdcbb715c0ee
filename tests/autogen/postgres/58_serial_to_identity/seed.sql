INSERT INTO orders (item) VALUES ('a'), ('b'), ('c');
INSERT INTO tickets (note) VALUES ('x');
-- A number taken and not used still counts.
SELECT nextval('tickets_n_seq');
