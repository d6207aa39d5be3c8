-- The numeric index of the search rows holds only the rows that have a number
-- (docs/performance.md#pages-per-add). Most values are text (a mobile,
-- a source): their `num` is NULL, and their entries, all NULL within a field, were
-- appended inside the index rather than at its end, so each commit of added customers
-- split and rewrote several of its pages, for entries no search reads. A numeric
-- predicate (`=`, `<`, `between`, `in`, …) never holds for NULL, so the planner still
-- uses this index for every search it served.
DROP INDEX oa_customer_values_by_num;
CREATE INDEX oa_customer_values_by_num ON oa_customer_values (account_id, field, num)
    WHERE num IS NOT NULL;
