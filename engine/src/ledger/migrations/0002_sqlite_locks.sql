-- SQLite only (PostgreSQL gets the same rules as PL/pgSQL triggers): an approved run and its
-- lines are locked; a rejected run is final too.
CREATE TRIGGER decided_runs_are_locked BEFORE UPDATE ON runs
    WHEN OLD.status <> 'prepared'
    BEGIN SELECT RAISE(ABORT, 'run is approved or rejected: locked'); END;
CREATE TRIGGER approved_runs_stay BEFORE DELETE ON runs
    WHEN OLD.status = 'approved'
    BEGIN SELECT RAISE(ABORT, 'run is approved: locked'); END;
CREATE TRIGGER approved_lines_are_locked BEFORE UPDATE ON lines
    WHEN (SELECT status FROM runs WHERE id = OLD.run) <> 'prepared'
    BEGIN SELECT RAISE(ABORT, 'line of a decided run: locked'); END;
CREATE TRIGGER approved_lines_stay BEFORE DELETE ON lines
    WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'approved'
    BEGIN SELECT RAISE(ABORT, 'line of an approved run: locked'); END;
CREATE TRIGGER approved_payers_are_locked BEFORE UPDATE ON line_payers
    WHEN (SELECT r.status FROM runs r JOIN lines l ON l.run = r.id WHERE l.id = OLD.line) = 'approved'
    BEGIN SELECT RAISE(ABORT, 'line of an approved run: locked'); END;
CREATE TRIGGER approved_payers_stay BEFORE DELETE ON line_payers
    WHEN (SELECT r.status FROM runs r JOIN lines l ON l.run = r.id WHERE l.id = OLD.line) = 'approved'
    BEGIN SELECT RAISE(ABORT, 'line of an approved run: locked'); END;
