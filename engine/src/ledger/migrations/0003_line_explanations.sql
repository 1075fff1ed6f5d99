-- Each line keeps the statement's explanation of its key's amount (one step per line of text),
-- so that the next adjustment can say which value changed.
ALTER TABLE lines ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
