package dev.switchboard.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL migrations are SQLite's, version for version and name for name: a step added to
 * one store and not the other would leave the two with different tables.
 */
class MigrationsInStepTest {
  static List<String> names(String folder) {
    try {
      Path dir = Path.of(MigrationsInStepTest.class.getResource("/db/" + folder).toURI());
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(p -> p.getFileName().toString()).sorted().toList();
      }
    } catch (IOException | URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static int newest() {
    return names("postgresql").stream()
        .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
        .max()
        .orElseThrow();
  }

  @Test
  void bothStoresHaveTheSameSteps() {
    assertThat(names("postgresql")).isNotEmpty().isEqualTo(names("migration"));
  }
}
