package dev.switchboard.http;

/**
 * One hardened HTTP listener: the gateway's server, or the Telegram webhook's.
 *
 * @param name names its threads and its log lines
 * @param portHint what to change when the port is taken, for the error message
 */
public record HttpListener(
    String name,
    String host,
    int port,
    String portHint,
    TrustedProxies trustedProxies,
    ConnectionLimits limits) {

  /** The gateway's one server ({@code http.host}, {@code http.port}). */
  public static HttpListener gateway(String host, int port, TrustedProxies trustedProxies) {
    return new HttpListener(
        "http",
        host,
        port,
        "set http.port (SWITCHBOARD_HTTP_PORT) to a free port, or 0 for any",
        trustedProxies,
        ConnectionLimits.DEFAULT);
  }
}
