-- The OpenAPI-style CRM (docs/openapi.md): custom fields, customers, the customers' search
-- index, and signature replay records. Every table is scoped by account. Times are
-- epoch milliseconds.
--
-- Text that is compared or sorted uses COLLATE "C" (byte order, case-sensitive), so
-- that search and sort behave exactly as on SQLite whatever the database's locale.

-- Custom fields added through the control plane (the system fields are defined in
-- code, the same for every account). `field` is the field id, e.g. text_6ts9_1687316347239.
CREATE TABLE oa_custom_fields (
    account_id   BIGINT  NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    field        TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 1 CHECK (status IN (1, 0, -1)),
    searchable   BOOLEAN NOT NULL DEFAULT TRUE,
    required     BOOLEAN NOT NULL DEFAULT FALSE,
    choices      TEXT,
    options      TEXT,
    sort         INTEGER NOT NULL,
    create_time  BIGINT  NOT NULL,
    update_time  BIGINT  NOT NULL,
    create_agent TEXT    NOT NULL,
    update_agent TEXT    NOT NULL,
    PRIMARY KEY (account_id, field)
);

-- One row per customer: scalar system fields as columns, list-valued fields and custom
-- values as JSON text for rendering (NULL when never set).
CREATE TABLE oa_customers (
    account_id        BIGINT NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    id                BIGINT NOT NULL,
    customer_name     TEXT COLLATE "C" NOT NULL,
    owner             TEXT COLLATE "C",
    first_owner       TEXT COLLATE "C",
    assign_time       BIGINT,
    first_assign_time BIGINT,
    create_method     TEXT COLLATE "C" NOT NULL DEFAULT '',
    mobile            TEXT,
    email             TEXT,
    qq                TEXT,
    wechat            TEXT,
    customer_source   TEXT,
    visitor_id        TEXT COLLATE "C",
    open_sea_ids      TEXT,
    custom_values     TEXT NOT NULL DEFAULT '{}',
    create_time       BIGINT NOT NULL,
    update_time       BIGINT NOT NULL,
    create_agent      TEXT COLLATE "C" NOT NULL,
    update_agent      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX oa_customers_by_create_time ON oa_customers (account_id, create_time, id);
CREATE INDEX oa_customers_by_update_time ON oa_customers (account_id, update_time);
CREATE INDEX oa_customers_by_name ON oa_customers (account_id, customer_name);
CREATE INDEX oa_customers_by_owner ON oa_customers (account_id, owner);
CREATE INDEX oa_customers_by_visitor ON oa_customers (account_id, visitor_id);

-- The search index of list-valued fields (mobile, email, qq, wechat, customerSource,
-- openSeaIds) and custom values: one row per element, so that a condition on them is an
-- index lookup. `num` is the sortable number of number/date/datetime values.
CREATE TABLE oa_customer_values (
    account_id  BIGINT NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    customer_id BIGINT NOT NULL,
    field       TEXT   NOT NULL,
    value       TEXT COLLATE "C" NOT NULL,
    num         DOUBLE PRECISION,
    PRIMARY KEY (account_id, customer_id, field, value),
    FOREIGN KEY (account_id, customer_id)
        REFERENCES oa_customers (account_id, id) ON DELETE CASCADE
);
CREATE INDEX oa_customer_values_by_value ON oa_customer_values (account_id, field, value);
CREATE INDEX oa_customer_values_by_num ON oa_customer_values (account_id, field, num);

-- Signature replay records: each (account, nonce, timestamp) is accepted once while
-- its timestamp is inside the window; rows past `expires_at` are pruned.
CREATE TABLE oa_nonces (
    account_id BIGINT NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    nonce      TEXT   NOT NULL,
    timestamp  TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, nonce, timestamp)
);
CREATE INDEX oa_nonces_by_expiry ON oa_nonces (expires_at);
