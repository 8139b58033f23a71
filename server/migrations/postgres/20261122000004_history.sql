-- The admin's history reads a range of business days, newest first; without this index every
-- page would scan all tickets ever issued.
CREATE INDEX tickets_by_day ON tickets(business_day, issued_at);
