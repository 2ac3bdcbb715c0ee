BEGIN;
INSERT INTO orders (item) VALUES ('d');
INSERT INTO tickets (note) VALUES ('y');
SELECT (SELECT max(id) FROM orders) = 4 AND (SELECT max(n) FROM tickets) = 3
   AND pg_get_serial_sequence('orders', 'id') = 'public.orders_id_seq'
   AND pg_get_serial_sequence('tickets', 'n') = 'public.tickets_n_seq';
ROLLBACK;
