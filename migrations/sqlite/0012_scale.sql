-- Searches that stay flat at a million customers (issue 14; docs/performance.md).

-- How many customers each account has, kept by triggers in the transaction of every
-- insert and delete of oa_customers (whichever path: add, import, reset, cascade), so
-- that an unfiltered list's `count` is one row read instead of a walk over the
-- account's customers. One row per account here (SQLite has one writer, so an upsert
-- per customer contends with nothing); on Postgres the table holds deltas instead (see
-- migrations/postgres/0012_scale.sql). The store reads SUM(customers) on both. No
-- foreign key: a count row outlives its account until the account's id is used again
-- (never, with AUTOINCREMENT) or the delete trigger below removes it.
CREATE TABLE oa_customer_counts (
    account_id INTEGER NOT NULL PRIMARY KEY,
    customers  INTEGER NOT NULL
);
INSERT INTO oa_customer_counts (account_id, customers)
    SELECT account_id, COUNT(*) FROM oa_customers GROUP BY account_id;
CREATE TRIGGER oa_customers_counted AFTER INSERT ON oa_customers BEGIN
    INSERT INTO oa_customer_counts (account_id, customers) VALUES (new.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET customers = customers + 1;
END;
CREATE TRIGGER oa_customers_uncounted AFTER DELETE ON oa_customers BEGIN
    UPDATE oa_customer_counts SET customers = customers - 1 WHERE account_id = old.account_id;
END;
CREATE TRIGGER oa_accounts_count_created AFTER INSERT ON oa_accounts BEGIN
    DELETE FROM oa_customer_counts WHERE account_id = new.id;
END;
CREATE TRIGGER oa_accounts_count_deleted AFTER DELETE ON oa_accounts BEGIN
    DELETE FROM oa_customer_counts WHERE account_id = old.id;
END;

-- A trigram index of customer names for `contains` on customerName: FTS5's trigram
-- tokenizer, case-sensitive like the search, over oa_customers itself (external
-- content: the names are not stored twice; `detail=none` keeps only which rows hold
-- each trigram, enough for GLOB). The store asks it for candidates with GLOB and keeps
-- its exact `instr` test, so the answer is what it was without the index; patterns of
-- fewer than 3 characters hold no trigram and are scanned as before. The rows are
-- joined by oa_customers' rowid, which only VACUUM could renumber (the emulator never
-- runs it; after one, `INSERT INTO oa_customer_names(oa_customer_names) VALUES
-- ('rebuild')` rebuilds the index).
CREATE VIRTUAL TABLE oa_customer_names USING fts5(
    customer_name,
    content = 'oa_customers',
    content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1',
    detail = 'none'
);
INSERT INTO oa_customer_names (oa_customer_names) VALUES ('rebuild');
CREATE TRIGGER oa_customers_named AFTER INSERT ON oa_customers BEGIN
    INSERT INTO oa_customer_names (rowid, customer_name) VALUES (new.rowid, new.customer_name);
END;
CREATE TRIGGER oa_customers_unnamed AFTER DELETE ON oa_customers BEGIN
    INSERT INTO oa_customer_names (oa_customer_names, rowid, customer_name)
        VALUES ('delete', old.rowid, old.customer_name);
END;
CREATE TRIGGER oa_customers_renamed AFTER UPDATE OF customer_name ON oa_customers
    WHEN old.customer_name IS NOT new.customer_name BEGIN
    INSERT INTO oa_customer_names (oa_customer_names, rowid, customer_name)
        VALUES ('delete', old.rowid, old.customer_name);
    INSERT INTO oa_customer_names (rowid, customer_name) VALUES (new.rowid, new.customer_name);
END;
