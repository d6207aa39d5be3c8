-- The rulebook (docs/rules.md): OpenAPI accounts get the mode corps already have, and the
-- choices of the system field customerSource become the account's own (NULL: the
-- emulator's default choices). Choices are JSON: [{"key","value","isDefault"}].
ALTER TABLE oa_accounts ADD COLUMN mode TEXT NOT NULL DEFAULT 'lenient'
    CHECK (mode IN ('lenient', 'strict'));
ALTER TABLE oa_accounts ADD COLUMN customer_sources TEXT;
