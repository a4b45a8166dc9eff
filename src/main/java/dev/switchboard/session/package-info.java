/**
 * Sessions: {@link dev.switchboard.session.InboundPipeline} journals, authorizes and hands each
 * message to the {@link dev.switchboard.session.Dispatcher}, which runs slash commands and one
 * agent turn at a time per session ({@link dev.switchboard.session.LaneScheduler}, {@link
 * dev.switchboard.session.TurnExecution}) and drains on a stop.
 *
 * <p>Rule: the only writer of the inbound journal's states (with {@link
 * dev.switchboard.session.JournalListener}); knows nothing of the runtime.
 */
package dev.switchboard.session;
