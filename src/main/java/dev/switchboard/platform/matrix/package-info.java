/**
 * Matrix: {@link dev.switchboard.platform.matrix.MatrixAdapter} over the Client-Server API v3
 * ({@link dev.switchboard.platform.matrix.MatrixApi}), receiving by {@code /sync} long polling
 * ({@link dev.switchboard.platform.matrix.MatrixSync}).
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.matrix;
