-- Each service's waiting tickets of the day, counted as they come and go, so a patient's place
-- in a long queue is known without counting the queue. A trigger keeps the count, whichever
-- change moves a ticket into or out of the waiting state.
ALTER TABLE daily_sequences ADD COLUMN waiting BIGINT NOT NULL DEFAULT 0;

UPDATE daily_sequences d SET waiting = (
    SELECT COUNT(*) FROM tickets t
    WHERE t.service_id = d.service_id AND t.business_day = d.business_day AND t.status = 'waiting'
);

CREATE FUNCTION count_waiting_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'waiting' THEN
        UPDATE daily_sequences SET waiting = waiting - 1
        WHERE service_id = OLD.service_id AND business_day = OLD.business_day;
    END IF;
    IF NEW.status = 'waiting' THEN
        UPDATE daily_sequences SET waiting = waiting + 1
        WHERE service_id = NEW.service_id AND business_day = NEW.business_day;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tickets_count_waiting
    AFTER INSERT OR UPDATE OF status, service_id, business_day ON tickets
    FOR EACH ROW EXECUTE FUNCTION count_waiting_tickets();
