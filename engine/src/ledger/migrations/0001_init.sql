-- The payment ledger, version 1. Portable SQL (SQLite and PostgreSQL): amounts are whole
-- cents (BIGINT), times and dates ISO 8601 text, JSON as text.

CREATE TABLE runs (
    id              BIGINT PRIMARY KEY,
    programme       TEXT NOT NULL,
    period          TEXT NOT NULL,
    period_index    BIGINT NOT NULL,        -- position of the period in the rule file (0-based)
    as_of           TEXT NOT NULL,
    currency        TEXT NOT NULL,
    budget_cents    BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('prepared', 'approved', 'rejected')),
    prepared_by     TEXT NOT NULL,
    prepared_at     TEXT NOT NULL,
    decided_by      TEXT,
    decided_at      TEXT,
    decided_after   BIGINT,                 -- the highest run id when approved or rejected
    reason          TEXT,
    engine_version  TEXT NOT NULL,
    rule_file       TEXT NOT NULL,
    rule_hash       TEXT NOT NULL,
    input_hash      TEXT NOT NULL,
    workdir         TEXT NOT NULL,          -- the directory relative paths below are relative to
    data_dirs       TEXT NOT NULL,          -- JSON array of the --data directories
    definitions     TEXT NOT NULL,          -- JSON array of the --definitions paths
    statement_json  TEXT NOT NULL,          -- the statement as `impatto payout --format json` writes it
    rendered        TEXT NOT NULL           -- the run as `impatto pay` rendered it (JSON), for replay
);

CREATE TABLE run_inputs (
    run     BIGINT NOT NULL REFERENCES runs (id),
    role    TEXT NOT NULL CHECK (role IN ('rules', 'data', 'definitions')),
    path    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    PRIMARY KEY (run, path)
);

CREATE TABLE lines (
    id               BIGINT PRIMARY KEY,
    run              BIGINT NOT NULL REFERENCES runs (id),
    no               BIGINT NOT NULL,       -- 1-based position in the run
    programme        TEXT NOT NULL,
    beneficiary      TEXT NOT NULL,
    rule             TEXT NOT NULL,
    claim            TEXT NOT NULL,         -- participant/outcome for a rate card's claim, '' otherwise
    kind             TEXT NOT NULL CHECK (kind IN ('payment', 'top_up', 'recovery')),
    amount_cents     BIGINT NOT NULL,
    cumulative_cents BIGINT NOT NULL,       -- the statement's cumulative amount for the key
    refers_to        BIGINT REFERENCES lines (id),
    what_changed     TEXT NOT NULL,
    voided           BIGINT NOT NULL DEFAULT 0,   -- 1 once its run is rejected
    UNIQUE (run, no)
);

-- A claim key is paid by one original payment line; later changes are adjustments.
CREATE UNIQUE INDEX one_payment_per_claim ON lines (programme, beneficiary, rule, claim)
    WHERE kind = 'payment' AND voided = 0;
CREATE INDEX lines_by_beneficiary ON lines (beneficiary);

CREATE TABLE line_payers (
    line         BIGINT NOT NULL REFERENCES lines (id),
    payer        TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (line, payer)
);
