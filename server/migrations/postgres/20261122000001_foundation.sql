-- Giliran on PostgreSQL: the same tables as on SQLite, with native types.

CREATE TABLE services (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    daily_quota BIGINT CHECK (daily_quota IS NULL OR daily_quota > 0),
    open        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE counters (
    id         UUID PRIMARY KEY,
    number     BIGINT NOT NULL UNIQUE CHECK (number > 0),
    name       TEXT NOT NULL,
    paused     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

-- Which services a counter calls from; lower position = more preferred.
CREATE TABLE counter_services (
    counter_id UUID NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
    service_id UUID NOT NULL REFERENCES services(id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (counter_id, service_id)
);
CREATE INDEX counter_services_by_service ON counter_services(service_id);

-- The last number issued per service and business day: the row every issue of that service
-- increments (and so locks) inside its transaction, which makes numbering gapless and unique
-- across replicas.
CREATE TABLE daily_sequences (
    service_id    UUID NOT NULL REFERENCES services(id),
    business_day  DATE NOT NULL,
    last_sequence BIGINT NOT NULL,
    PRIMARY KEY (service_id, business_day)
);

CREATE TABLE tickets (
    id                  UUID PRIMARY KEY,
    visit_id            UUID NOT NULL,
    service_id          UUID NOT NULL REFERENCES services(id),
    business_day        DATE NOT NULL,
    sequence            BIGINT NOT NULL,
    number              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN
                          ('waiting', 'called', 'done', 'skipped', 'cancelled', 'transferred', 'expired')),
    priority            TEXT NOT NULL CHECK (priority IN
                          ('regular', 'elderly', 'pregnant', 'disabled', 'emergency')),
    name                TEXT,
    phone               TEXT,
    device_id           TEXT,
    tracking_token_hash BYTEA NOT NULL,
    counter_id          UUID REFERENCES counters(id),
    recalls             BIGINT NOT NULL DEFAULT 0,
    issued_at           TIMESTAMPTZ NOT NULL,
    -- Position in the queue: the issue time, moved by a requeue.
    queued_at           TIMESTAMPTZ NOT NULL,
    called_at           TIMESTAMPTZ,
    finished_at         TIMESTAMPTZ,
    transferred_from    UUID REFERENCES tickets(id),
    transferred_to      UUID REFERENCES tickets(id),
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
    id            UUID PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_counters (
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    counter_id UUID NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, counter_id)
);

-- Bearer sessions; only a hash of the token is kept.
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
