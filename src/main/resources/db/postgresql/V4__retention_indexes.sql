-- Retention deletes what is old and finished; these let it find that without reading every row.
CREATE INDEX inbound_done_by_age ON inbound (updated_at) WHERE status = 'DONE';
CREATE INDEX outbox_settled_by_age ON outbox (updated_at) WHERE status IN ('SENT', 'FAILED');
CREATE INDEX transcript_by_age ON transcript (at);
