-- Replay records' key index led by the request's timestamp
-- (docs/performance.md#replay-records). Indexed by the key's hash alone, every insert
-- went to a random page of the index: each commit dirtied a page per record, and the
-- checkpoints that copy those pages back into the file stalled the writer for as long
-- as the disk took. Clients sign with the current time, so records that arrive together
-- share their timestamp and, led by it, a few pages of the index. A lookup knows both
-- the timestamp and the hash, so it still finds its row through the index alone.
DROP INDEX oa_nonces_by_key;
CREATE INDEX oa_nonces_by_key ON oa_nonces (timestamp, key_hash);
