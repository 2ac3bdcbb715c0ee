CREATE TYPE status AS ENUM ('draft', 'new', 'active', 'done', 'archived');
CREATE TABLE t (id integer PRIMARY KEY, s status DEFAULT 'active');
