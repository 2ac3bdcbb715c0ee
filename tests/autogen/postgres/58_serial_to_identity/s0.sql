-- Issue 18.2: serial -> identity keeps the numbering, both ways; the
-- identity's sequence gets the name a fresh build gives it.
CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL);
CREATE TABLE tickets (n bigserial PRIMARY KEY, note text);
