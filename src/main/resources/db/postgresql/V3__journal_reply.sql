-- The agent's final answer to a message, recorded before it is delivered, so that a reply cut
-- off by a crash is delivered again rather than asked for again. Cleared when a new attempt at
-- answering the message starts.
ALTER TABLE inbound ADD COLUMN reply TEXT;
