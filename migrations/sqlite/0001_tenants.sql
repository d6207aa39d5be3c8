-- Emulator bookkeeping and the two kinds of tenant: DingTalk corps and OpenAPI accounts.
-- Times are epoch milliseconds.

CREATE TABLE emulator_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per process start; the id is the process's worker number for id generation.
CREATE TABLE emulator_instances (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL
);

CREATE TABLE dt_corps (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    corpid                TEXT    NOT NULL UNIQUE,
    corpsecret            TEXT    NOT NULL,
    appkey                TEXT    UNIQUE,
    appsecret             TEXT,
    mode                  TEXT    NOT NULL DEFAULT 'lenient' CHECK (mode IN ('lenient', 'strict')),
    rate_limit_per_minute INTEGER CHECK (rate_limit_per_minute > 0),
    created_at            INTEGER NOT NULL
);

CREATE TABLE dt_employees (
    corp_id    INTEGER NOT NULL REFERENCES dt_corps (id) ON DELETE CASCADE,
    userid     TEXT    NOT NULL,
    name       TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (corp_id, userid)
);

CREATE TABLE oa_accounts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    appid        TEXT    NOT NULL UNIQUE,
    secret       TEXT    NOT NULL,
    open_sea_ids TEXT    NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL
);
