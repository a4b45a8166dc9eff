-- Leases on platform credentials among gateway instances sharing one database (store.Leases):
-- one holder at a time until expires_at (epoch milliseconds); token grows each time a lease is
-- taken anew and fences writes made in an earlier holder's name.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  token BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  acquired_at BIGINT NOT NULL
);
