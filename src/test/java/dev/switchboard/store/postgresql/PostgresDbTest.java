package dev.switchboard.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Leases;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.sql.SqlStore;
import dev.switchboard.testing.PostgresServer;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the PostgreSQL store does when the server is not there: at the start, and while it
 * runs (the server restarted under it).
 */
class PostgresDbTest {
  private static final PostgresServer SERVER = PostgresServer.shared();

  private static InboundMessage message(String id) {
    return new InboundMessage(
        ChatRef.of("telegram", "42"),
        id,
        new Sender("7", "Ann"),
        "hi " + id,
        false,
        Instant.EPOCH,
        List.of());
  }

  @Test
  void aStartWaitsForAnUnreachableServerThenSaysWhy() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PostgresSettings settings = new PostgresSettings(
        DatabaseUrl.parse("store.url", "postgresql://postgres@127.0.0.1:" + closed + "/x"),
        "",
        2,
        Duration.ofMillis(600),
        Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> PostgresDb.open(settings))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:" + closed + "/x")
        .hasMessageContaining("refused");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(500));
  }

  @Test
  void aMissingDatabaseFailsAtOnceWithPostgresqlsReason() {
    PostgresSettings settings = PostgresStoreContractTest.settings(
        "postgresql://postgres@127.0.0.1:" + SERVER.port() + "/no_such_database");
    assertThatThrownBy(() -> PostgresDb.open(new PostgresSettings(
            settings.url(), "", 2, Duration.ofMinutes(5), Duration.ofSeconds(1))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no_such_database")
        .hasMessageContaining("does not exist");
  }

  @Test
  void writesWaitForARestartedServerAndNothingIsLostOrDoubled() throws Exception {
    String url = SERVER.newDatabase("outage");
    try (Store store =
        new SqlStore(PostgresDb.open(PostgresStoreContractTest.settings(url)), Clock.systemUTC())) {
      assertThat(store.journal().record(message("1"))).isTrue();
      SERVER.stop();
      CompletableFuture<Boolean> during =
          CompletableFuture.supplyAsync(() -> store.journal().record(message("2")));
      // the write is waiting for the server, not failed
      assertThat(during).isNotDone();
      SERVER.start();
      assertThat(during.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(store.journal().record(message("2"))).isFalse();
      assertThat(store.journal().unfinished())
          .extracting(e -> e.message().messageId())
          .containsExactly("1", "2");
    } finally {
      SERVER.start();
    }
  }

  @Test
  void textWithANulCharacterIsKeptWithAReplacementInsteadOfFailing() throws Exception {
    String url = SERVER.newDatabase("nul");
    try (Store store =
        new SqlStore(PostgresDb.open(PostgresStoreContractTest.settings(url)), Clock.systemUTC())) {
      InboundMessage m = new InboundMessage(
          ChatRef.of("telegram", "42"),
          "n",
          new Sender("7", "Ann"),
          "a\0b",
          false,
          Instant.EPOCH,
          List.of());
      assertThat(store.journal().record(m)).isTrue();
      assertThat(store.journal().unfinished().getFirst().message().text()).isEqualTo("a\uFFFDb");
    }
  }

  @Test
  void aGatewayThatLostItsLeaseNeitherAcknowledgesNorSends() throws Exception {
    String url = SERVER.newDatabase("fence");
    try (Store store = new SqlStore(
        PostgresDb.open(PostgresStoreContractTest.settings(url)), Clock.systemUTC(), true)) {
      Duration ttl = Duration.ofMinutes(1);
      Leases.Lease mine = store.leases().acquire("gateway", "host-a:/srv", ttl).orElseThrow();
      store.fence(mine);
      assertThat(store.journal().record(message("1"))).isTrue();
      store.cursors().put("discord", "session", "a's session");
      store.platformRecords("web").put("chats", "c1", "a's conversation");
      Outbox.Entry reply = store.outbox().claim("k1", ChatRef.of("telegram", "42"), "a", null);
      store.outbox().markSending(reply.id(), "a");

      // paused past its lease: another gateway took the database over
      store.leases().release(mine);
      store.leases().acquire("gateway", "host-b:/srv", ttl).orElseThrow();

      assertThatThrownBy(() -> store.journal().record(message("2")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("no longer holds the lease 'gateway'");
      assertThatThrownBy(() -> store.cursors().put("discord", "session", "a's new session"))
          .isInstanceOf(StoreException.class);
      assertThat(store.cursors().get("discord", "session")).hasValue("a's session");
      assertThatThrownBy(() -> store.platformRecords("web").put("chats", "c2", "a's late one"))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("no longer holds the lease 'gateway'");
      assertThatThrownBy(() -> store.platformRecords("web").putData("files", "f", new byte[1]))
          .isInstanceOf(UncheckedIOException.class);
      assertThat(store.platformRecords("web").before("chats", Long.MAX_VALUE, 10))
          .extracting(PlatformRecords.Entry::key)
          .containsExactly("c1");
      Outbox.Entry late = store.outbox().claim("k2", ChatRef.of("telegram", "42"), "b", null);
      assertThatThrownBy(() -> store.outbox().markSending(late.id(), "b"))
          .isInstanceOf(StoreException.class);
      assertThat(store.journal().unfinished())
          .extracting(e -> e.message().messageId())
          .containsExactly("1");
      assertThat(store.outbox().find("k2").orElseThrow().status()).isEqualTo(Outbox.Status.PENDING);
      assertThatThrownBy(
              () -> store.outbox().claimNewAsSending("k3", ChatRef.of("telegram", "42"), "c", null))
          .isInstanceOf(StoreException.class);
      assertThat(store.outbox().find("k3")).isEmpty();
    }
  }

  @Test
  void theMigrationsAreAppliedOnceAndASecondOpenFindsThemDone() throws Exception {
    String url = SERVER.newDatabase("migrations");
    PostgresDb.open(PostgresStoreContractTest.settings(url)).close();
    PostgresDb.open(PostgresStoreContractTest.settings(url)).close();
    String name = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c = DriverManager.getConnection(SERVER.jdbcUrl(name));
        ResultSet rs = c.createStatement()
            .executeQuery(
                "SELECT COUNT(*), MAX(CAST(version AS INTEGER)) FROM flyway_schema_history"
                    + " WHERE success")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(rs.getInt(2)).isEqualTo(MigrationsInStepTest.newest());
    }
  }
}
