INSERT INTO "order" VALUES ('g', 1, 'c');
