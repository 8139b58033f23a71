-- Waiting-room displays, each with its own revocable token (only a hash is kept).
CREATE TABLE display_devices (
    id           UUID PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    last_seen_at TIMESTAMPTZ
);

-- Who did what, when: every staff and admin action, logins and failed logins. Rows are only
-- ever added.
CREATE TABLE audit_log (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    user_id  UUID,
    username TEXT,
    ip       TEXT,
    action   TEXT NOT NULL,
    target   TEXT,
    detail   TEXT
);
CREATE INDEX audit_log_by_user ON audit_log(user_id, id);
CREATE INDEX audit_log_by_action ON audit_log(action, id);
