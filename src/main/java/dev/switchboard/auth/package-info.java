/**
 * Who may talk to the agent: {@link dev.switchboard.auth.Authorizer} decides per message from
 * the allowlists and admin tiers ({@link dev.switchboard.auth.AccessPolicy}) and the pairings
 * approved with {@code switchboard pairing} ({@link dev.switchboard.auth.Pairing}).
 *
 * <p>Rule: part of the core: names no platform, backend or store implementation.
 */
package dev.switchboard.auth;
