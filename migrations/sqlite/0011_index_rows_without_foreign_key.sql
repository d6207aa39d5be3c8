-- Postgres drops the foreign key of oa_customer_values to oa_customers here (see
-- migrations/postgres/0011_index_rows_without_foreign_key.sql). SQLite keeps it: its
-- one writer checks it cheaply, and dropping a key on SQLite rebuilds the table. The
-- store deletes index rows before their customer on both backends.
SELECT 1;
