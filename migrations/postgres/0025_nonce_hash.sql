-- Replay records for random nonces (docs/performance.md#replay-records): a client's
-- nonce is random (a UUID), so the primary key over (account, nonce, timestamp) took
-- every insert to a random page of a wide B-tree, and each such page's first change
-- after a checkpoint wrote the whole page to the WAL. The key is now kept once by an
-- exclusion constraint over a hash index of it, whose entries are four-byte hash codes
-- (the rows themselves are compared on a match, so two keys sharing a hash code are
-- still told apart); `INSERT … ON CONFLICT DO NOTHING` uses it as it used the key. The
-- timestamp holds digits only, so the joined text is the key and nothing else.
ALTER TABLE oa_nonces DROP CONSTRAINT oa_nonces_pkey;
ALTER TABLE oa_nonces ADD CONSTRAINT oa_nonces_once
    EXCLUDE USING hash ((account_id::text || ' ' || "timestamp" || ' ' || nonce) WITH =);
