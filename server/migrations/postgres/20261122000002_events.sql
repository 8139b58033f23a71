-- The event log of DESIGN §4: every change writes its event in its own transaction, numbered by
-- one counter row whose lock is held to commit, so `seq` order is commit order across replicas
-- and a change and its event never disagree.
CREATE TABLE events (
    seq     BIGINT PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(at);

CREATE TABLE event_counter (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL
);
INSERT INTO event_counter (id, last_seq) VALUES (1, 0);
