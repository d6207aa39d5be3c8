-- The OpenAPI-style CRM (docs/openapi.md): custom fields, customers, the customers' search
-- index, and signature replay records. Every table is scoped by account. Times are
-- epoch milliseconds.

-- Custom fields added through the control plane (the system fields are defined in
-- code, the same for every account). `field` is the field id, e.g. text_6ts9_1687316347239.
CREATE TABLE oa_custom_fields (
    account_id   INTEGER NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    field        TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 1 CHECK (status IN (1, 0, -1)),
    searchable   BOOLEAN NOT NULL DEFAULT TRUE,
    required     BOOLEAN NOT NULL DEFAULT FALSE,
    choices      TEXT,
    options      TEXT,
    sort         INTEGER NOT NULL,
    create_time  INTEGER NOT NULL,
    update_time  INTEGER NOT NULL,
    create_agent TEXT    NOT NULL,
    update_agent TEXT    NOT NULL,
    PRIMARY KEY (account_id, field)
);

-- One row per customer: scalar system fields as columns, list-valued fields and custom
-- values as JSON text for rendering (NULL when never set).
CREATE TABLE oa_customers (
    account_id        INTEGER NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    id                INTEGER NOT NULL,
    customer_name     TEXT    NOT NULL,
    owner             TEXT,
    first_owner       TEXT,
    assign_time       INTEGER,
    first_assign_time INTEGER,
    create_method     TEXT    NOT NULL DEFAULT '',
    mobile            TEXT,
    email             TEXT,
    qq                TEXT,
    wechat            TEXT,
    customer_source   TEXT,
    visitor_id        TEXT,
    open_sea_ids      TEXT,
    custom_values     TEXT    NOT NULL DEFAULT '{}',
    create_time       INTEGER NOT NULL,
    update_time       INTEGER NOT NULL,
    create_agent      TEXT    NOT NULL,
    update_agent      TEXT    NOT NULL,
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
    account_id  INTEGER NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL,
    field       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    num         REAL,
    PRIMARY KEY (account_id, customer_id, field, value),
    FOREIGN KEY (account_id, customer_id)
        REFERENCES oa_customers (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX oa_customer_values_by_value ON oa_customer_values (account_id, field, value);
CREATE INDEX oa_customer_values_by_num ON oa_customer_values (account_id, field, num);

-- Signature replay records: each (account, nonce, timestamp) is accepted once while
-- its timestamp is inside the window; rows past `expires_at` are pruned.
CREATE TABLE oa_nonces (
    account_id INTEGER NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    nonce      TEXT    NOT NULL,
    timestamp  TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, nonce, timestamp)
) WITHOUT ROWID;
CREATE INDEX oa_nonces_by_expiry ON oa_nonces (expires_at);
