-- The search-index rows of a new customer are inserted with the customer, in one
-- statement (the customers' insert inside a WITH). Checking their foreign key to
-- oa_customers there cost more Postgres CPU than the rest of a signed add together
-- (measured: ~290-490 µs against ~200-220 µs per add without it, and half the
-- throughput), so the key goes. What it guarded is kept by the store instead: index
-- rows are only written with their customer (add, update) and are deleted before it
-- (delete, tenant reset, full reset, import); deleting the account still cascades
-- through oa_customer_values_account_id_fkey.
ALTER TABLE oa_customer_values DROP CONSTRAINT oa_customer_values_account_id_customer_id_fkey;
