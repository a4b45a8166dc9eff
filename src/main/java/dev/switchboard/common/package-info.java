/**
 * Small shared basics with no home of their own: time ({@link dev.switchboard.common.Ticker},
 * {@link dev.switchboard.common.Sleeper}, {@link dev.switchboard.common.Deadline}), loop
 * progress ({@link dev.switchboard.common.Heartbeat}), atomic files, JSON.
 *
 * <p>Rule: depends on nothing of ours.
 */
package dev.switchboard.common;
