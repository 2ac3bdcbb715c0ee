create table public.t (
    id integer,
    "Name" character varying(20) default 'x' not null,
    price numeric(8, 2),
    primary key (id),
    check (price > 0)  -- a comment
);
create index t_name on public.t using btree ("Name");
create view v as select t.id from t;
