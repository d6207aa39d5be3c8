-- DingTalk-style CRM data (docs/dingtalk.md) and the runtime state of that API.
-- Every row belongs to one corp and is looked up by (corp_id, id): a corp's ids never
-- reach another corp's rows, and deleting a corp deletes everything it owns.
-- Ids are the emulator's 18-digit snowflake ids; times are epoch milliseconds.

-- One live access token per corp (docs/dingtalk.md#tokens). The unique token index serves the
-- per-request lookup; the corp key makes /gettoken one atomic upsert.
CREATE TABLE dt_tokens (
    corp_id    BIGINT  NOT NULL PRIMARY KEY REFERENCES dt_corps (id) ON DELETE CASCADE,
    token      TEXT    NOT NULL UNIQUE,
    expires_at BIGINT  NOT NULL
);

-- Fixed one-minute windows per (corp, endpoint) for the optional rate limit
-- (docs/dingtalk.md#rate-limits).
CREATE TABLE dt_rate_windows (
    corp_id      BIGINT  NOT NULL REFERENCES dt_corps (id) ON DELETE CASCADE,
    endpoint     TEXT    NOT NULL,
    window_start BIGINT  NOT NULL,
    calls        BIGINT  NOT NULL,
    PRIMARY KEY (corp_id, endpoint)
);

CREATE TABLE dt_customers (
    corp_id     BIGINT  NOT NULL REFERENCES dt_corps (id) ON DELETE CASCADE,
    id          BIGINT  NOT NULL,
    name        TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    description TEXT    NOT NULL,
    telephone   TEXT    NOT NULL,
    create_by   TEXT    NOT NULL,
    modified_by TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (corp_id, id)
);

-- A contact belongs to one customer of the same corp and goes when it goes.
CREATE TABLE dt_contacts (
    corp_id     BIGINT  NOT NULL REFERENCES dt_corps (id) ON DELETE CASCADE,
    id          BIGINT  NOT NULL,
    customer_id BIGINT  NOT NULL,
    name        TEXT    NOT NULL,
    mobile      TEXT    NOT NULL,
    attached    TEXT    NOT NULL,
    create_by   TEXT,
    modified_by TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (corp_id, id),
    FOREIGN KEY (corp_id, customer_id) REFERENCES dt_customers (corp_id, id) ON DELETE CASCADE
);
CREATE INDEX dt_contacts_by_customer ON dt_contacts (corp_id, customer_id, id);

-- Employee–customer relations (a customer's `userIds`), in the order they were added.
CREATE TABLE dt_followers (
    corp_id     BIGINT  NOT NULL REFERENCES dt_corps (id) ON DELETE CASCADE,
    customer_id BIGINT  NOT NULL,
    userid      TEXT    NOT NULL,
    position    BIGINT  NOT NULL,
    create_by   TEXT,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (corp_id, customer_id, userid),
    FOREIGN KEY (corp_id, customer_id) REFERENCES dt_customers (corp_id, id) ON DELETE CASCADE,
    FOREIGN KEY (corp_id, userid) REFERENCES dt_employees (corp_id, userid) ON DELETE CASCADE
);
CREATE INDEX dt_followers_by_employee ON dt_followers (corp_id, userid);
