package dev.switchboard.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.Leases;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.sql.SqlStore;
import dev.switchboard.testing.PostgresServer;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** status's and doctor's look at the database: quick, and saying what is wrong. */
class DatabaseProbeTest {
  private static final PostgresServer SERVER = PostgresServer.shared();

  @Test
  void aMigratedDatabaseHasASize() {
    String url = SERVER.newDatabase("probe");
    PostgresDb.open(PostgresStoreContractTest.settings(url)).close();
    assertThat(DatabaseProbe.bytes(PostgresStoreContractTest.settings(url))).isPositive();
  }

  @Test
  void theLeasesAreReadWithoutOpeningTheStoreAndNoneBeforeTheFirstStart() {
    String url = SERVER.newDatabase("probe_leases");
    assertThat(DatabaseProbe.leases(PostgresStoreContractTest.settings(url))).isEmpty();
    try (Store store = new SqlStore(
        PostgresDb.open(PostgresStoreContractTest.settings(url)), Clock.systemUTC(), true)) {
      Leases.Lease taken = store
          .leases()
          .acquire("gateway", "node-1:/srv/sb", Duration.ofMinutes(1))
          .orElseThrow();
      assertThat(DatabaseProbe.leases(PostgresStoreContractTest.settings(url)))
          .containsExactly(taken);
    }
  }

  @Test
  void anUnreachableServerIsReportedAtOnceNotWaitedFor() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> DatabaseProbe.bytes(
            PostgresStoreContractTest.settings("postgresql://postgres@127.0.0.1:" + closed + "/x")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:" + closed + "/x");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void aFailedMigrationIsNamed() throws Exception {
    String url = SERVER.newDatabase("failed_step");
    PostgresDb.open(PostgresStoreContractTest.settings(url)).close();
    String name = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c = DriverManager.getConnection(SERVER.jdbcUrl(name))) {
      c.createStatement()
          .executeUpdate("UPDATE flyway_schema_history SET success = false WHERE version = '7'");
    }
    assertThatThrownBy(() -> DatabaseProbe.bytes(PostgresStoreContractTest.settings(url)))
        .hasMessageContaining("migration to version 7 (jobs) failed");
  }
}
