-- The event log of DESIGN §4: every change writes its event in its own transaction, numbered by
-- one counter row, so `seq` order is commit order and a change and its event never disagree.
CREATE TABLE events (
    seq     INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(at);

CREATE TABLE event_counter (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);
INSERT INTO event_counter (id, last_seq) VALUES (1, 0);
