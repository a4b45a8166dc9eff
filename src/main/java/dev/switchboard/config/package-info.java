/**
 * Typed configuration: {@link dev.switchboard.config.ConfigLoader} reads switchboard.yaml, the
 * environment and .env against the {@link dev.switchboard.config.ConfigSchema} (every key, its
 * type, default and environment variable) and fails naming the key and the bad value.
 *
 * <p>Rule: depends only on the shared basics.
 */
package dev.switchboard.config;
