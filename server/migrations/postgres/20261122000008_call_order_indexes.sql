-- Call-next looks up the first waiting priority ticket and the first waiting regular ticket of
-- each service of the counter: one index step each, instead of sorting the whole queue.
CREATE INDEX tickets_waiting_priority ON tickets(service_id, business_day, queued_at, sequence)
    WHERE status = 'waiting' AND priority <> 'regular';
CREATE INDEX tickets_waiting_regular ON tickets(service_id, business_day, queued_at, sequence)
    WHERE status = 'waiting' AND priority = 'regular';
