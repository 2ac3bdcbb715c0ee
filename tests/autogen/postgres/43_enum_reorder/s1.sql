CREATE TYPE size AS ENUM ('small', 'medium', 'large');
