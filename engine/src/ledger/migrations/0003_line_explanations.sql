-- Each line keeps the statement's explanation of its key's amount (one step per line of text),
-- so that the next adjustment can say which value changed.
ALTER TABLE lines ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
-- A run no longer stores its whole statement (tens of megabytes at 10^5 beneficiaries, and the
-- slowest part of preparing a run): its lines keep what each key was due and why, and replay
-- recomputes the statement from the recorded inputs.
ALTER TABLE runs DROP COLUMN statement_json;
