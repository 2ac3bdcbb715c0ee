create table "Users" ( [ID] integer primary key, email text, Name text not null ) ;
create index USERS_NAME on users(NAME)
