CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE room (id integer PRIMARY KEY);
CREATE TABLE booking (
    id integer PRIMARY KEY,
    room_id integer NOT NULL REFERENCES room (id),
    during tstzrange NOT NULL,
    EXCLUDE USING gist (room_id WITH =, during WITH &&)
);
