-- The chat each platform's gateway notices go to (/sethome): one per platform. The thread is
-- NULL for a chat without threads.
CREATE TABLE home_channels (
  platform TEXT PRIMARY KEY,
  chat_id TEXT NOT NULL,
  thread_id TEXT,
  set_at BIGINT NOT NULL
);
