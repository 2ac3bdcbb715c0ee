CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, extra TEXT);
CREATE TABLE audit (event_id INTEGER, note TEXT);
CREATE TRIGGER events_audit AFTER INSERT ON events BEGIN
    INSERT INTO audit VALUES (new.id, 'insert');
END;
