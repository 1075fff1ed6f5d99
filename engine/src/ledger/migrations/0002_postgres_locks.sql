-- PostgreSQL only (SQLite gets the same rules as its own triggers in 0002_sqlite_locks.sql):
-- an approved run and its lines are locked; a rejected run is final too. PostgreSQL's WHEN
-- clauses cannot look at other tables, so the checks are PL/pgSQL functions.

CREATE FUNCTION impatto_runs_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status <> 'prepared' THEN
        RAISE EXCEPTION 'run is approved or rejected: locked';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.status = 'approved' THEN
        RAISE EXCEPTION 'run is approved: locked';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION impatto_lines_locked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    run_status TEXT;
BEGIN
    SELECT status INTO run_status FROM runs WHERE id = OLD.run;
    IF TG_OP = 'UPDATE' AND run_status <> 'prepared' THEN
        RAISE EXCEPTION 'line of a decided run: locked';
    END IF;
    IF TG_OP = 'DELETE' AND run_status = 'approved' THEN
        RAISE EXCEPTION 'line of an approved run: locked';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION impatto_payers_locked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    run_status TEXT;
BEGIN
    SELECT r.status INTO run_status FROM runs r JOIN lines l ON l.run = r.id WHERE l.id = OLD.line;
    IF run_status = 'approved' THEN
        RAISE EXCEPTION 'line of an approved run: locked';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER decided_runs_are_locked BEFORE UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION impatto_runs_locked();
CREATE TRIGGER decided_lines_are_locked BEFORE UPDATE OR DELETE ON lines
    FOR EACH ROW EXECUTE FUNCTION impatto_lines_locked();
CREATE TRIGGER approved_payers_are_locked BEFORE UPDATE OR DELETE ON line_payers
    FOR EACH ROW EXECUTE FUNCTION impatto_payers_locked();
