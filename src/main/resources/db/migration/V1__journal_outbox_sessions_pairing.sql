-- Inbound journal: every message, recorded before its platform is told it arrived.
CREATE TABLE inbound (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  platform      TEXT    NOT NULL,
  chat_id       TEXT    NOT NULL,
  thread_id     TEXT,
  message_id    TEXT    NOT NULL,
  user_id       TEXT    NOT NULL,
  user_name     TEXT    NOT NULL,
  text          TEXT    NOT NULL,
  is_group      INTEGER NOT NULL,
  received_at   INTEGER NOT NULL,
  status        TEXT    NOT NULL,
  outcome       TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  updated_at    INTEGER NOT NULL,
  UNIQUE (platform, chat_id, message_id)
);
CREATE INDEX inbound_unfinished ON inbound (status) WHERE status <> 'DONE';

-- Outbox: every message sent, recorded under an idempotency key before it is sent.
CREATE TABLE outbox (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  key                 TEXT    NOT NULL UNIQUE,
  platform            TEXT    NOT NULL,
  chat_id             TEXT    NOT NULL,
  thread_id           TEXT,
  text                TEXT    NOT NULL,
  status              TEXT    NOT NULL,
  platform_message_id TEXT,
  complete            INTEGER NOT NULL DEFAULT 0,
  inbound_key         TEXT,
  reason              TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX outbox_by_inbound ON outbox (inbound_key);

CREATE TABLE cursors (
  platform TEXT NOT NULL,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (platform, name)
);

CREATE TABLE sessions (
  session_key TEXT    PRIMARY KEY,
  generation  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE transcript (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_key TEXT    NOT NULL,
  generation  INTEGER NOT NULL,
  role        TEXT    NOT NULL,
  text        TEXT    NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX transcript_by_conversation ON transcript (session_key, generation, id);

CREATE TABLE pairing_codes (
  platform     TEXT    NOT NULL,
  code         TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  chat_id      TEXT    NOT NULL,
  display_name TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  PRIMARY KEY (platform, code)
);

CREATE TABLE approved_users (
  platform     TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  display_name TEXT    NOT NULL,
  approved_at  INTEGER NOT NULL,
  PRIMARY KEY (platform, user_id)
);
