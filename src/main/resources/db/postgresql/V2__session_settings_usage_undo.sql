-- Per-session choices made with commands (/model, /busy, /tools); they outlive restarts.
CREATE TABLE session_settings (
  session_key TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  value       TEXT    NOT NULL,
  updated_at  BIGINT  NOT NULL,
  PRIMARY KEY (session_key, name)
);

-- Tokens reported by the backend, per conversation.
CREATE TABLE token_usage (
  session_key TEXT    NOT NULL,
  generation  INTEGER NOT NULL,
  turns       BIGINT  NOT NULL,
  tokens_in   BIGINT  NOT NULL,
  tokens_out  BIGINT  NOT NULL,
  PRIMARY KEY (session_key, generation)
);

-- /undo and /retry hide an exchange instead of deleting it; the key of the command that hid
-- it makes a replayed command (after a crash) hide nothing more.
ALTER TABLE transcript ADD COLUMN undone_by TEXT;
