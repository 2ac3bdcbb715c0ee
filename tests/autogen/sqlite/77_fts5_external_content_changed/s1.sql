-- The index gains a column: dropped and created again, it must be filled
-- again from docs (its 'rebuild' command), or every search finds nothing.
CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT);
CREATE VIRTUAL TABLE "Docs_FTS" USING fts5(title, body, content='docs', content_rowid='id');
CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
    INSERT INTO "Docs_FTS" (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
