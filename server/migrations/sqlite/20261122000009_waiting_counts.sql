-- Each service's waiting tickets of the day, counted as they come and go, so a patient's place
-- in a long queue is known without counting the queue. Triggers keep the count, whichever
-- change moves a ticket into or out of the waiting state.
ALTER TABLE daily_sequences ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;

UPDATE daily_sequences SET waiting = (
    SELECT COUNT(*) FROM tickets t
    WHERE t.service_id = daily_sequences.service_id
      AND t.business_day = daily_sequences.business_day
      AND t.status = 'waiting'
);

CREATE TRIGGER tickets_waiting_issued AFTER INSERT ON tickets
WHEN NEW.status = 'waiting'
BEGIN
    UPDATE daily_sequences SET waiting = waiting + 1
    WHERE service_id = NEW.service_id AND business_day = NEW.business_day;
END;

CREATE TRIGGER tickets_waiting_left AFTER UPDATE OF status, service_id, business_day ON tickets
WHEN OLD.status = 'waiting'
BEGIN
    UPDATE daily_sequences SET waiting = waiting - 1
    WHERE service_id = OLD.service_id AND business_day = OLD.business_day;
END;

CREATE TRIGGER tickets_waiting_entered AFTER UPDATE OF status, service_id, business_day ON tickets
WHEN NEW.status = 'waiting'
BEGIN
    UPDATE daily_sequences SET waiting = waiting + 1
    WHERE service_id = NEW.service_id AND business_day = NEW.business_day;
END;
