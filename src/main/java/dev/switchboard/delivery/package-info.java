/**
 * Replies and notices on their way to chats: {@link dev.switchboard.delivery.Delivery} records
 * every message in the outbox under a key from {@link dev.switchboard.delivery.OutboxKeys}
 * before sending it, streams replies ({@link dev.switchboard.delivery.ReplyStream}), keeps the
 * platforms' rate limits and retries, and hands each call to the chat's adapter ({@link
 * dev.switchboard.delivery.PlatformRouter}).
 *
 * <p>Rule: knows nothing of sessions, the runtime or the backends; the only package that calls
 * an adapter's send and edit (ArchitectureTest).
 */
package dev.switchboard.delivery;
