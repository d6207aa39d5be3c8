-- Several instances on one database (docs/instances.md): leased id worker numbers, and the
-- runtime state every instance shares (fault rules, the clock offset, the journal).
-- Times are epoch milliseconds of the database's clock. On SQLite the fault, clock and
-- journal tables stay empty: one process keeps that state in memory (the schema is the
-- same on both backends).

-- One row per worker number (0-255). An instance holds a number while `expires_at` is
-- ahead of the database's clock, renews it, and gives it back when it stops; a number is
-- taken again only once its lease has expired. `id_floor_ms` is the last millisecond its
-- last holder used for ids, so the next holder never goes below it.
CREATE TABLE emulator_workers (
    worker      BIGINT PRIMARY KEY CHECK (worker BETWEEN 0 AND 255),
    instance_id BIGINT,
    version     TEXT,
    started_at  BIGINT,
    last_seen   BIGINT,
    expires_at  BIGINT NOT NULL DEFAULT 0,
    id_floor_ms BIGINT NOT NULL DEFAULT 0
);
WITH RECURSIVE n(w) AS (SELECT 0 UNION ALL SELECT w + 1 FROM n WHERE w < 255)
INSERT INTO emulator_workers (worker) SELECT w FROM n;
CREATE INDEX emulator_workers_by_expiry ON emulator_workers (expires_at, worker);

-- Fault rules: the rule as JSON, its budget and how often it fired on any instance.
CREATE TABLE emulator_faults (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    rule  TEXT   NOT NULL,
    times BIGINT,
    fired BIGINT NOT NULL DEFAULT 0
);

-- The clock offset every instance applies.
CREATE TABLE emulator_clock (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    offset_ms BIGINT  NOT NULL
);
INSERT INTO emulator_clock (id, offset_ms) VALUES (1, 0);

-- The request journal of every instance; each writer keeps it to its `--journal-size`
-- (by `seq`, the order of writing). `answered_at` (real epoch ms) orders a listing:
-- instances write their entries in batches, so writing order is not answering order.
-- The filter columns beside the entry (JSON) serve the query.
CREATE TABLE emulator_journal (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id BIGINT  NOT NULL,
    answered_at BIGINT  NOT NULL,
    api         TEXT    NOT NULL,
    tenant      TEXT,
    status      INTEGER NOT NULL,
    entry       TEXT    NOT NULL
);
