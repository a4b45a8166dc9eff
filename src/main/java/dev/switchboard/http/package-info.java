/**
 * The one HTTP server ({@link dev.switchboard.http.HttpServer}, Jetty) and what every gateway
 * serves on it: health and readiness, metrics, the admin page, the login gate.
 *
 * <p>Rule: serves what it is given; knows nothing of the gateway, platforms, backends or stores.
 */
package dev.switchboard.http;
