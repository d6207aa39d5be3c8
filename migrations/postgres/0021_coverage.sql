-- Integration coverage (docs/coverage.md): how often each tenant's calls of each
-- operation got each outcome, merged from every instance's in-memory counts in the
-- background (`count = count + delta`). `tenant` is '' for a call that named no known
-- tenant; `injected` counts the answers an injected fault gave. Not bounded by the
-- journal's size, not part of an export, kept across restarts and resets of the data.
CREATE TABLE emulator_coverage (
    api       TEXT   NOT NULL,
    tenant    TEXT   NOT NULL,
    operation TEXT   NOT NULL,
    outcome   TEXT   NOT NULL,
    count     BIGINT NOT NULL DEFAULT 0,
    injected  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (api, tenant, operation, outcome)
);

-- When the counts were last reset (real epoch ms): the report's `since`.
CREATE TABLE emulator_coverage_since (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    since_ms BIGINT  NOT NULL
);
