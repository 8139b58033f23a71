-- A service's daily hours for taking tickets, HH:MM in the hospital's time zone; both NULL for
-- all day. The server checks the pair (both or neither, closing after opening).
ALTER TABLE services ADD COLUMN opens_at TEXT;
ALTER TABLE services ADD COLUMN closes_at TEXT;
