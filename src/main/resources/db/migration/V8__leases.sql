-- Leases on platform credentials among gateway instances sharing one database (store.Leases):
-- one holder at a time until expires_at (epoch milliseconds); token grows each time a lease is
-- taken anew and fences writes made in an earlier holder's name. A single SQLite gateway keeps
-- the table too, so that both stores have the same tables.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  token INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL
);
