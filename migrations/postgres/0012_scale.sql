-- Searches that stay flat at a million customers (issue 14; docs/performance.md).

-- How many customers each account has, for an unfiltered list's `count` without a
-- walk over the account's customers. Kept by statement triggers in the transaction of
-- every insert and delete of oa_customers (whichever path: add, import, reset,
-- cascade). Unlike SQLite's one counter row per account, each statement appends a
-- delta row (+n or -n): concurrent batches of adds to one account then never wait on
-- one another's row lock. The store reads SUM(customers) and, when an account has
-- gathered many delta rows, folds them into one (a DELETE … RETURNING feeding an
-- INSERT, safe beside concurrent writers and folds). No foreign key (a cascade from a
-- deleted account fires the delete trigger after the account is gone): rows of a
-- deleted account are removed by the account triggers below.
CREATE TABLE oa_customer_counts (
    account_id BIGINT NOT NULL,
    customers  BIGINT NOT NULL
);
CREATE INDEX oa_customer_counts_by_account ON oa_customer_counts (account_id);
INSERT INTO oa_customer_counts (account_id, customers)
    SELECT account_id, COUNT(*) FROM oa_customers GROUP BY account_id;

CREATE FUNCTION oa_customers_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO oa_customer_counts (account_id, customers)
        SELECT account_id, COUNT(*) FROM added GROUP BY account_id;
    RETURN NULL;
END $$;
CREATE FUNCTION oa_customers_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO oa_customer_counts (account_id, customers)
        SELECT account_id, -COUNT(*) FROM removed GROUP BY account_id;
    RETURN NULL;
END $$;
CREATE FUNCTION oa_accounts_count_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM oa_customer_counts WHERE account_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;
CREATE TRIGGER oa_customers_counted AFTER INSERT ON oa_customers
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION oa_customers_count_added();
CREATE TRIGGER oa_customers_uncounted AFTER DELETE ON oa_customers
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION oa_customers_count_removed();
-- Named to fire after the foreign keys' cascade triggers ("RI_…" sorts first), so the
-- delta rows the cascade writes are gone too.
CREATE TRIGGER oa_accounts_count_cleared AFTER INSERT OR DELETE ON oa_accounts
    FOR EACH ROW EXECUTE FUNCTION oa_accounts_count_cleared();

-- A trigram index of customer names for `contains` on customerName (pg_trgm, GIN). The
-- store adds `customer_name LIKE '%…%'` (wildcards escaped), which the index answers,
-- and keeps its exact strpos test; patterns of fewer than 3 characters hold no trigram
-- and are scanned as before. pg_trgm ships with PostgreSQL's contrib (in the official
-- images too) and is a trusted extension, which a database owner may create; where it
-- is missing, no index is made and such searches scan, with the same answers.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX oa_customers_by_name_trigrams ON oa_customers
            USING gin (customer_name gin_trgm_ops);
    END IF;
END $$;
