-- Visits through several stations (registration -> poli -> pharmacy) under one booking code.

-- A service's kind of station, and where a visit goes when a ticket there is done.
ALTER TABLE services ADD COLUMN station TEXT NOT NULL DEFAULT 'poli' CHECK (station IN
    ('registration', 'poli', 'pharmacy', 'cashier', 'laboratory', 'radiology', 'other'));
ALTER TABLE services ADD COLUMN next_service_id UUID REFERENCES services(id);

-- Every ticket of a visit carries the visit's booking code: the day and the number of its first
-- ticket, so it is unique without a lookup. Visits from before get theirs the same way.
ALTER TABLE tickets ADD COLUMN booking_code TEXT NOT NULL DEFAULT '';
UPDATE tickets t SET booking_code = f.code
FROM (
    SELECT DISTINCT ON (f.visit_id) f.visit_id,
           to_char(f.business_day, 'YYMMDD') || s.code
             || lpad(f.sequence::text, GREATEST(3, length(f.sequence::text)), '0') AS code
    FROM tickets f JOIN services s ON s.id = f.service_id
    WHERE f.transferred_from IS NULL
    ORDER BY f.visit_id, f.issued_at
) f
WHERE f.visit_id = t.visit_id;
UPDATE tickets SET booking_code = upper(replace(visit_id::text, '-', '')) WHERE booking_code = '';
ALTER TABLE tickets ALTER COLUMN booking_code DROP DEFAULT;
CREATE INDEX tickets_by_booking_code ON tickets(booking_code);

-- At a registration station: the poli the patient came for.
ALTER TABLE tickets ADD COLUMN destination_service_id UUID REFERENCES services(id);
