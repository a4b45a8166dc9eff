-- The files that came with a message, as a JSON array (store.AttachmentColumn): what the
-- platform said about each, and its SHA-256 in the attachment store once fetched, so that a
-- restart neither fetches it again nor loses it. NULL for a message of text alone.
ALTER TABLE inbound ADD COLUMN attachments TEXT;
