package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What HttpServer does so that Jetty's start stays cheap. */
class HttpServerStartCostTest {
  @Test
  void jettyIsToldTheCacheLinePaddingSoItNeedNotStartTheJmxServerToWorkItOut() throws Exception {
    Class.forName(HttpServer.class.getName(), true, HttpServer.class.getClassLoader());
    assertThat(System.getProperty(HttpServer.REFERENCES_PER_CACHE_LINE)).isEqualTo("16");
  }
}
