-- Visits through several stations (registration -> poli -> pharmacy) under one booking code.

-- A service's kind of station, and where a visit goes when a ticket there is done.
ALTER TABLE services ADD COLUMN station TEXT NOT NULL DEFAULT 'poli' CHECK (station IN
    ('registration', 'poli', 'pharmacy', 'cashier', 'laboratory', 'radiology', 'other'));
ALTER TABLE services ADD COLUMN next_service_id BLOB REFERENCES services(id);

-- Every ticket of a visit carries the visit's booking code: the day and the number of its first
-- ticket, so it is unique without a lookup. Visits from before get theirs the same way.
ALTER TABLE tickets ADD COLUMN booking_code TEXT NOT NULL DEFAULT '';
UPDATE tickets SET booking_code = COALESCE((
    SELECT substr(f.business_day, 3, 2) || substr(f.business_day, 6, 2) || substr(f.business_day, 9, 2)
           || s.code || printf('%03d', f.sequence)
    FROM tickets f JOIN services s ON s.id = f.service_id
    WHERE f.visit_id = tickets.visit_id AND f.transferred_from IS NULL
    ORDER BY f.issued_at LIMIT 1
), upper(hex(visit_id)));
CREATE INDEX tickets_by_booking_code ON tickets(booking_code);

-- At a registration station: the poli the patient came for.
ALTER TABLE tickets ADD COLUMN destination_service_id BLOB REFERENCES services(id);
