-- Issue 12.3: reordered values: rows kept, compared in the new order.
CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TABLE shirts (id integer PRIMARY KEY, sz size NOT NULL DEFAULT 'medium');
CREATE INDEX shirts_sz ON shirts (sz);
