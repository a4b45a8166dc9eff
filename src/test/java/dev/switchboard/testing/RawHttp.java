package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 answers off a plain socket, for tests that must control what a client sends
 * and when (a body in parts, a second request on the same connection), which Java's HttpClient
 * does not let them.
 */
public final class RawHttp {
  private RawHttp() {}

  /** One answer's head, up to and with its blank line; IOException if the connection ends. */
  public static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("the connection ended after: " + head);
      }
      head.append((char) c);
    }
    return head.toString();
  }

  /** One answer's head and body (by its Content-Length), as text. */
  public static String readAnswer(InputStream in) throws IOException {
    String head = readHead(in);
    int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
