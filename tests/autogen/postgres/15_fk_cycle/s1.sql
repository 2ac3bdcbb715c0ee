CREATE TABLE base (id integer PRIMARY KEY);
CREATE TABLE dept (id integer PRIMARY KEY, manager_id integer);
CREATE TABLE emp (id integer PRIMARY KEY, dept_id integer REFERENCES dept (id));
ALTER TABLE dept ADD FOREIGN KEY (manager_id) REFERENCES emp (id);
