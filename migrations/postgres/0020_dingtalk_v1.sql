-- DingTalk v1.0 CRM (docs/dingtalk-v1.md#records): the second door to the same corps,
-- customers, contacts and followers. The columns the old API lacks go into its tables.

-- The relation type (`crm_customer` or `crm_customer_personal`), who created the
-- record through which API call, a nick given at creation, the `data` keys and
-- extendValues that have no column (JSON text) and the record's `extendData` (JSON
-- text). Rows older than this migration are `crm_customer`s with no creator.
ALTER TABLE dt_customers
    ADD COLUMN relation_type  TEXT NOT NULL DEFAULT 'crm_customer',
    ADD COLUMN creator_userid TEXT NOT NULL DEFAULT '',
    ADD COLUMN creator_nick   TEXT,
    ADD COLUMN data_extra     TEXT NOT NULL DEFAULT '{}',
    ADD COLUMN extend_data    TEXT NOT NULL DEFAULT '{}';
ALTER TABLE dt_contacts
    ADD COLUMN creator_userid TEXT NOT NULL DEFAULT '',
    ADD COLUMN data_extra     TEXT NOT NULL DEFAULT '{}',
    ADD COLUMN extend_data    TEXT NOT NULL DEFAULT '{}';
-- A follower is an owner (负责人) or a participant (协同人); the old API's are owners.
ALTER TABLE dt_followers ADD COLUMN role TEXT NOT NULL DEFAULT 'owner';

-- Keyset pages of one relation type (`id > cursor ORDER BY id`), and the duplicate-name
-- check and `customer_name` EQ queries, each one index range at any corp size.
CREATE INDEX dt_customers_by_type ON dt_customers (corp_id, relation_type, id);
CREATE INDEX dt_customers_by_name ON dt_customers (corp_id, relation_type, name, id);

-- How many customers of each relation type a corp has, for a page's `totalCount`
-- without a walk over the corp's customers. Kept by statement triggers in the
-- transaction of every insert and delete of dt_customers (whichever path: either API,
-- import, reset, cascade); like oa_customer_counts (migration 0012), each statement
-- appends a delta row, so concurrent creates never wait on one row's lock, and a read
-- folds a corp's deltas once they are many. Rows of a deleted corp sum to zero.
CREATE TABLE dt_customer_counts (
    corp_id       BIGINT NOT NULL,
    relation_type TEXT   NOT NULL,
    customers     BIGINT NOT NULL
);
CREATE INDEX dt_customer_counts_by_type ON dt_customer_counts (corp_id, relation_type);
INSERT INTO dt_customer_counts (corp_id, relation_type, customers)
    SELECT corp_id, relation_type, COUNT(*) FROM dt_customers GROUP BY corp_id, relation_type;

CREATE FUNCTION dt_customers_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dt_customer_counts (corp_id, relation_type, customers)
        SELECT corp_id, relation_type, COUNT(*) FROM added GROUP BY corp_id, relation_type;
    RETURN NULL;
END $$;
CREATE FUNCTION dt_customers_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dt_customer_counts (corp_id, relation_type, customers)
        SELECT corp_id, relation_type, -COUNT(*) FROM removed GROUP BY corp_id, relation_type;
    RETURN NULL;
END $$;
CREATE TRIGGER dt_customers_counted AFTER INSERT ON dt_customers
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION dt_customers_count_added();
CREATE TRIGGER dt_customers_uncounted AFTER DELETE ON dt_customers
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION dt_customers_count_removed();
