-- Waiting-room displays, each with its own revocable token (only a hash is kept).
CREATE TABLE display_devices (
    id           BLOB PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_seen_at TEXT
);

-- Who did what, when: every staff and admin action, logins and failed logins. Rows are only
-- ever added.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    user_id  BLOB,
    username TEXT,
    ip       TEXT,
    action   TEXT NOT NULL,
    target   TEXT,
    detail   TEXT
);
CREATE INDEX audit_log_by_user ON audit_log(user_id, id);
CREATE INDEX audit_log_by_action ON audit_log(action, id);
