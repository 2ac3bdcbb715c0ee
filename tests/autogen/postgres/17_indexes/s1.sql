CREATE TABLE t (id integer PRIMARY KEY, email text, tags text[], active boolean, created date);
CREATE INDEX t_created ON t (created DESC) INCLUDE (id);
CREATE UNIQUE INDEX t_email_lower ON t (lower(email));
CREATE INDEX t_active_partial ON t (email) WHERE active;
CREATE INDEX t_tags ON t USING gin (tags);
CREATE INDEX t_email_hash ON t USING hash (email);
