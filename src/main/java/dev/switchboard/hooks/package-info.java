/**
 * Event hooks: programs the owner puts in {@code hooks/<event>/} in the state directory (or
 * names in {@code hooks.commands.*}) are run with one JSON event on their standard input when
 * the gateway starts or stops, a platform's state changes, a conversation begins, a turn starts
 * or ends, or a command runs.
 *
 * <p>Rule: sees only the shared basics ({@code common}, {@code config}). The sessions and the
 * runtime report what happens through the small {@link dev.switchboard.hooks.GatewayEvents}
 * interface, which returns at once: hooks run off the dispatch path, bounded in number and
 * time, each in a process group of its own that is killed at its timeout.
 */
package dev.switchboard.hooks;
