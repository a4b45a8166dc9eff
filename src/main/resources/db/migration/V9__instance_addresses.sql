-- Where the gateways sharing a database reach each other's HTTP server (store.Leases.advertise):
-- a standby forwards web chat, API and admin requests to the active gateway's address.
CREATE TABLE instance_addresses (
  holder TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
