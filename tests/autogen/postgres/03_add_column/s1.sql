CREATE TABLE users (
    id integer PRIMARY KEY,
    email text NOT NULL,
    nickname varchar(40),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
