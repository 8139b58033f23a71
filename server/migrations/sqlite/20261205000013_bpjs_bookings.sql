-- Mobile JKN bookings ("ambil antrean"), for today or a later day. A booking takes its number
-- from the poli's day when it is made, so on-site tickets of that day number after it; the
-- ticket itself is issued when the patient checks in, and joins the queue then.
CREATE TABLE bpjs_bookings (
    booking_code    TEXT PRIMARY KEY,
    service_id      BLOB NOT NULL REFERENCES services(id),
    business_day    TEXT NOT NULL,
    sequence        BIGINT NOT NULL,
    number          TEXT NOT NULL,
    card_number     TEXT NOT NULL,
    phone           TEXT,
    state           TEXT NOT NULL CHECK (state IN ('booked', 'checked_in', 'cancelled')),
    -- When the poli is likely to see the patient, as told to Mobile JKN (ms since the epoch).
    estimated_at_ms BIGINT NOT NULL,
    booked_at       TEXT NOT NULL,
    UNIQUE (service_id, business_day, sequence)
);
-- One number per patient and day, unless they cancelled it.
CREATE UNIQUE INDEX bpjs_bookings_one_per_card ON bpjs_bookings(card_number, business_day)
    WHERE state <> 'cancelled';
CREATE INDEX bpjs_bookings_by_day ON bpjs_bookings(service_id, business_day);

-- A patient registering at the hospital as a JKN member: what registration staff record, so
-- that BPJS hears of the visit as a JKN one. Mobile JKN bookings carry theirs from BPJS.
ALTER TABLE bpjs_visits ADD COLUMN referral_number TEXT;
ALTER TABLE bpjs_visits ADD COLUMN visit_kind BIGINT NOT NULL DEFAULT 1;
