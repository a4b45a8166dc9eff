-- Scheduled jobs (/cron, switchboard cron). Ids are never reused (AUTOINCREMENT): a run's
-- journal entry is named after its job's id and due time, and a new job must not inherit an
-- old one's runs. next_run is NULL once a one-shot has run; times are epoch milliseconds.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  platform TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  thread_id TEXT,
  schedule TEXT NOT NULL,
  zone TEXT NOT NULL,
  prompt TEXT NOT NULL,
  shared_conversation INTEGER NOT NULL DEFAULT 0,
  paused INTEGER NOT NULL DEFAULT 0,
  next_run INTEGER,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_run INTEGER,
  last_outcome TEXT
);
