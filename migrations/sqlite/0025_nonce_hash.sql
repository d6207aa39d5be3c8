-- Replay records for random nonces (docs/performance.md#replay-records): a client's
-- nonce is random (a UUID), so a primary key over (account, nonce, timestamp) took
-- every insert to a random place of a wide B-tree, which cost twice what the rest of
-- the record did. The rows are now appended in arrival order (`seq`) and found through
-- a narrow index of a 64-bit hash of their key; the insert itself checks the whole key
-- (`NOT EXISTS`), which SQLite's one writer at a time makes atomic, so two keys sharing
-- a hash are still told apart. `key_hash` of the rows copied here is filled in by the
-- store when it connects.
CREATE TABLE oa_nonces_by_arrival (
    seq        INTEGER PRIMARY KEY,
    key_hash   INTEGER,
    account_id INTEGER NOT NULL REFERENCES oa_accounts (id) ON DELETE CASCADE,
    nonce      TEXT    NOT NULL,
    timestamp  TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO oa_nonces_by_arrival (account_id, nonce, timestamp, expires_at)
    SELECT account_id, nonce, timestamp, expires_at FROM oa_nonces ORDER BY expires_at;
DROP TABLE oa_nonces;
ALTER TABLE oa_nonces_by_arrival RENAME TO oa_nonces;
CREATE INDEX oa_nonces_by_key ON oa_nonces (key_hash);
CREATE INDEX oa_nonces_by_expiry ON oa_nonces (expires_at);
