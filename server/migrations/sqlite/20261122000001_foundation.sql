-- Giliran on SQLite: ids are 16-byte UUID blobs, instants RFC 3339 text in UTC (sorts as time),
-- business days ISO dates, booleans 0/1.

CREATE TABLE services (
    id          BLOB PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    daily_quota INTEGER CHECK (daily_quota IS NULL OR daily_quota > 0),
    open        INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

CREATE TABLE counters (
    id         BLOB PRIMARY KEY,
    number     INTEGER NOT NULL UNIQUE CHECK (number > 0),
    name       TEXT NOT NULL,
    paused     INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Which services a counter calls from; lower position = more preferred.
CREATE TABLE counter_services (
    counter_id BLOB NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
    service_id BLOB NOT NULL REFERENCES services(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (counter_id, service_id)
);
CREATE INDEX counter_services_by_service ON counter_services(service_id);

-- The last number issued per service and business day: the row every issue of that service
-- increments inside its transaction, which makes numbering gapless and unique.
CREATE TABLE daily_sequences (
    service_id    BLOB NOT NULL REFERENCES services(id),
    business_day  TEXT NOT NULL,
    last_sequence INTEGER NOT NULL,
    PRIMARY KEY (service_id, business_day)
);

CREATE TABLE tickets (
    id                  BLOB PRIMARY KEY,
    visit_id            BLOB NOT NULL,
    service_id          BLOB NOT NULL REFERENCES services(id),
    business_day        TEXT NOT NULL,
    sequence            INTEGER NOT NULL,
    number              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN
                          ('waiting', 'called', 'done', 'skipped', 'cancelled', 'transferred', 'expired')),
    priority            TEXT NOT NULL CHECK (priority IN
                          ('regular', 'elderly', 'pregnant', 'disabled', 'emergency')),
    name                TEXT,
    phone               TEXT,
    device_id           TEXT,
    tracking_token_hash BLOB NOT NULL,
    counter_id          BLOB REFERENCES counters(id),
    recalls             INTEGER NOT NULL DEFAULT 0,
    issued_at           TEXT NOT NULL,
    -- Position in the queue: the issue time, moved by a requeue.
    queued_at           TEXT NOT NULL,
    called_at           TEXT,
    finished_at         TEXT,
    transferred_from    BLOB REFERENCES tickets(id),
    transferred_to      BLOB REFERENCES tickets(id),
    UNIQUE (service_id, business_day, sequence)
);
-- One active ticket per patient, enforced by the database even under concurrent requests.
CREATE UNIQUE INDEX tickets_one_active_per_phone ON tickets(phone)
    WHERE phone IS NOT NULL AND status IN ('waiting', 'called');
CREATE UNIQUE INDEX tickets_one_active_per_device ON tickets(device_id)
    WHERE device_id IS NOT NULL AND status IN ('waiting', 'called');
-- A counter serves one patient at a time.
CREATE UNIQUE INDEX tickets_one_called_per_counter ON tickets(counter_id) WHERE status = 'called';
CREATE INDEX tickets_waiting ON tickets(service_id, business_day, queued_at) WHERE status = 'waiting';
CREATE INDEX tickets_open ON tickets(business_day) WHERE status IN ('waiting', 'called', 'skipped');
CREATE INDEX tickets_calls ON tickets(service_id, business_day, called_at) WHERE called_at IS NOT NULL;
CREATE INDEX tickets_by_visit ON tickets(visit_id);

CREATE TABLE users (
    id            BLOB PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE user_counters (
    user_id    BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    counter_id BLOB NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, counter_id)
);

-- Bearer sessions; only a hash of the token is kept.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
