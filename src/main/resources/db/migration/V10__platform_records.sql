-- A platform's own records in a store several gateways share (platform.PlatformRecords): the
-- web chat's conversations and files follow the lease instead of staying on one machine. seq
-- orders a collection by when each record was first written; an update keeps it.
CREATE TABLE platform_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  platform TEXT NOT NULL,
  collection TEXT NOT NULL,
  record_key TEXT NOT NULL,
  value TEXT NOT NULL,
  data BLOB,
  updated_at INTEGER NOT NULL,
  UNIQUE (platform, collection, record_key)
);
CREATE INDEX platform_records_in_order ON platform_records (platform, collection, seq);
