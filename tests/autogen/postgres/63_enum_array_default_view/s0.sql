-- Issue 12.3: an enum used by an array column, a default, a view, a
-- domain, a function, a partial index, a check, a trigger's WHEN and a
-- foreign key loses a value no row holds and gets one in the middle.
CREATE TYPE mood AS ENUM ('sad', 'meh', 'ok', 'happy');
COMMENT ON TYPE mood IS 'how it went';
CREATE DOMAIN good_mood AS mood CHECK (VALUE <> 'sad');
CREATE TABLE moods (m mood PRIMARY KEY);
CREATE TABLE days (
    id integer PRIMARY KEY,
    m mood NOT NULL DEFAULT 'ok' REFERENCES moods (m),
    history mood[] DEFAULT '{ok}',
    best good_mood,
    CONSTRAINT not_meh CHECK (m <> 'meh')
);
CREATE INDEX days_happy ON days (id) WHERE m = 'happy';
CREATE VIEW happy_days AS SELECT id, m, history FROM days WHERE m >= 'ok';
CREATE FUNCTION cheer(x mood) RETURNS mood LANGUAGE sql IMMUTABLE AS $$SELECT 'happy'::mood$$;
CREATE FUNCTION note_day() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER days_note BEFORE UPDATE ON days FOR EACH ROW WHEN (NEW.m IS DISTINCT FROM OLD.m) EXECUTE FUNCTION note_day();
