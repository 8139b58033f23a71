-- A day reset restarts a service's numbers within the business day without reusing a sequence:
-- the number shown is last_sequence - number_base, where a reset sets number_base to the
-- sequence reached. Sequences stay unique, so history keeps every ticket.
ALTER TABLE daily_sequences ADD COLUMN number_base INTEGER NOT NULL DEFAULT 0;
