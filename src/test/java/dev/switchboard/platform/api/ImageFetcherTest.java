package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images named by address, fetched from an https server on this machine (a certificate made
 * here with the JDK's keytool): the bytes and the stated type; redirects; and each refusal a
 * 400 naming the part: an address on this machine (when private addresses are not allowed, as
 * in production), an error status, not an image, too large, too slow, too many redirects.
 */
class ImageFetcherTest {
  private static final String PASSWORD = "test-only-password";
  private static final byte[] PNG = new byte[50_000];
  private static final long LIMIT = 20_000_000;
  private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);

  @TempDir
  static Path dir;

  private static Server server;
  private static String base;
  private static HttpClient client;

  @BeforeAll
  static void startHttpsServer() throws Exception {
    new Random(7).nextBytes(PNG);
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair",
            "-alias",
            "server",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=127.0.0.1",
            "-ext",
            "SAN=ip:127.0.0.1",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            keystore.toString(),
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD)
        .redirectErrorStream(true)
        .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();

    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keystore.toString());
    tls.setKeyStorePassword(PASSWORD);
    tls.setKeyStoreType("PKCS12");
    server = new Server();
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector https = new ServerConnector(
        server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(config));
    https.setHost("127.0.0.1");
    server.addConnector(https);
    server.setHandler(new Images());
    server.start();
    base = "https://127.0.0.1:" + https.getLocalPort();

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder()
        .sslContext(ssl)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    RELEASE_SLOW.countDown();
    client.shutdownNow();
    server.stop();
  }

  /** What the image server answers, by path. */
  private static final class Images extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      switch (path) {
        case "/square.png" -> send(response, callback, "image/png", PNG);
        case "/page" -> send(response, callback, "text/html; charset=utf-8", "<html>".getBytes());
        case "/moved" -> redirect(response, callback, "/square.png");
        case "/loop" -> redirect(response, callback, "/loop");
        case "/huge", "/endless" -> {
          if (path.equals("/huge")) { // says so at once; /endless only by what it sends
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, LIMIT + 1);
          }
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/png");
          byte[] chunk = new byte[1 << 20];
          for (int i = 0; i <= LIMIT / chunk.length + 1; i++) {
            Callback.Completable written = new Callback.Completable();
            response.write(false, ByteBuffer.wrap(chunk), written);
            try {
              written.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
              callback.failed(e); // the client gave up, as it should
              return true;
            }
          }
          response.write(true, ByteBuffer.allocate(0), callback);
        }
        case "/slow" -> {
          RELEASE_SLOW.await(30, TimeUnit.SECONDS);
          send(response, callback, "image/png", PNG);
        }
        default -> {
          response.setStatus(404);
          callback.succeeded();
        }
      }
      return true;
    }

    private static void send(Response response, Callback callback, String type, byte[] body) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void redirect(Response response, Callback callback, String to) {
      response.setStatus(302);
      response.getHeaders().put(HttpHeader.LOCATION, to);
      callback.succeeded();
    }
  }

  private static ImageFetcher.Fetched fetch(ImageFetcher fetcher, String path) throws Exception {
    return fetcher.fetch(
        URI.create(base + path), Files.createTempFile(dir, "image", ".part"), "p.url", LIMIT);
  }

  private static ImageFetcher local() {
    return new ImageFetcher(client, true, Duration.ofSeconds(20));
  }

  private static void refused(ImageFetcher fetcher, String path, String why) {
    assertThatThrownBy(() -> fetch(fetcher, path)).isInstanceOfSatisfying(ApiError.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.body().path("error").path("param").asString()).isEqualTo("p.url");
      assertThat(e.getMessage())
          .contains("could not fetch the image of p.url from 127.0.0.1")
          .contains(why)
          .doesNotContain(path); // the host only: an address may hold a token
    });
  }

  @Test
  void anImageComesWithItsBytesAndStatedType() throws Exception {
    ImageFetcher.Fetched f = fetch(local(), "/square.png");
    assertThat(f.mimeType()).isEqualTo("image/png");
    assertThat(f.size()).isEqualTo(PNG.length);
    assertThat(Files.readAllBytes(f.file())).isEqualTo(PNG);
  }

  @Test
  void aRedirectIsFollowedAndALoopIsNot() throws Exception {
    assertThat(Files.readAllBytes(fetch(local(), "/moved").file())).isEqualTo(PNG);
    refused(local(), "/loop", "redirects more than 3 times");
  }

  @Test
  void anAddressOnThisMachineIsRefusedBeforeConnecting() {
    ImageFetcher production = new ImageFetcher(client, false, Duration.ofSeconds(20));
    refused(production, "/square.png", "this machine or a private network (127.0.0.1)");
  }

  @Test
  void whatIsNotAnImageOrNotThereOrTooLargeOrTooSlowIsRefused() {
    refused(local(), "/nothing-here", "answered HTTP 404");
    refused(local(), "/page", "not an image (its server says text/html)");
    refused(local(), "/huge", "larger than 19 MB");
    refused(local(), "/endless", "larger than 19 MB");
    refused(new ImageFetcher(client, true, Duration.ofSeconds(1)), "/slow", "longer than 1 s");
  }
}
