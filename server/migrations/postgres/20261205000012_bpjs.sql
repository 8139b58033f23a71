-- The BPJS antrean bridge (optional, off unless configured): what it has read of the event log,
-- which services are BPJS polis, each visit's reporting state, and the outbox of reports.

-- The newest event the bridge has turned into reports. No row until the bridge first runs; it
-- then starts from the newest event, never reporting what happened before it was switched on.
CREATE TABLE bpjs_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL
);

-- A service that is a BPJS poli: the codes and schedule BPJS (HFIS) knows it by.
CREATE TABLE bpjs_polis (
    service_id     UUID PRIMARY KEY REFERENCES services(id),
    poli_code      TEXT NOT NULL,
    poli_name      TEXT NOT NULL,
    doctor_code    BIGINT NOT NULL,
    doctor_name    TEXT NOT NULL,
    practice_hours TEXT NOT NULL,
    quota_jkn      BIGINT NOT NULL CHECK (quota_jkn >= 0),
    quota_non_jkn  BIGINT NOT NULL CHECK (quota_non_jkn >= 0)
);

-- A visit the bridge follows. `announced`: BPJS knows its booking code (added by us, or booked
-- through Mobile JKN), so its tasks may be sent; until then they are held. A Mobile JKN
-- patient's wait at the poli (task 3) starts when they check in, not when they booked.
CREATE TABLE bpjs_visits (
    booking_code TEXT PRIMARY KEY,
    business_day DATE NOT NULL,
    origin       TEXT NOT NULL CHECK (origin IN ('onsite', 'mobile_jkn')),
    announced    BOOLEAN NOT NULL,
    last_task    BIGINT,
    last_at_ms   BIGINT NOT NULL DEFAULT 0,
    -- Given by Mobile JKN when the patient booked through it.
    card_number  TEXT,
    nik          TEXT,
    norm         TEXT
);
CREATE INDEX bpjs_visits_by_day ON bpjs_visits(business_day);

-- Reports to send, in `rank` order per visit (0: the visit's `antrean/add`; otherwise the task
-- id). One row per report: the unique key is what makes reading an event twice harmless.
CREATE TABLE bpjs_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_code    TEXT NOT NULL REFERENCES bpjs_visits(booking_code),
    rank            BIGINT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('held', 'pending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- A try got no answer: BPJS may have it, so the next try asks first.
    uncertain       BOOLEAN NOT NULL DEFAULT FALSE,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    UNIQUE (booking_code, rank)
);
CREATE INDEX bpjs_outbox_due ON bpjs_outbox(next_attempt_at) WHERE state = 'pending';
CREATE INDEX bpjs_outbox_by_state ON bpjs_outbox(state, id);

-- The newest comparison of a business day's reports with what BPJS holds (JSON).
CREATE TABLE bpjs_reconciliations (
    business_day DATE PRIMARY KEY,
    result       TEXT NOT NULL
);
