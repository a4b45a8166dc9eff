package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is the way in: short, with the two commands, linking every page under docs/; and
 * no link in the README or the docs leads nowhere.
 */
class ReadmeTest {
  private static final Path README = Path.of("README.md");
  private static final int MAX_LINES = 200;

  @Test
  void theTwoCommandsAreThereAndCiRunsTheSecond() throws Exception {
    assertThat(Files.readString(README)).contains("./switchboard run").contains("./run-tests");
    assertThat(Files.readString(Path.of(".ci/run"))).contains("run-tests");
  }

  @Test
  void theReadmeStaysShort() throws Exception {
    assertThat(Files.readAllLines(README)).hasSizeLessThanOrEqualTo(MAX_LINES);
  }

  @Test
  void everyPageUnderDocsIsLinkedFromTheReadme() throws Exception {
    List<String> linked = MarkdownDoc.read(README).linkTargets().stream()
        .map(t -> t.contains("#") ? t.substring(0, t.indexOf('#')) : t)
        .toList();
    try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
      List<String> pages =
          docs.filter(p -> p.toString().endsWith(".md")).map(Path::toString).toList();
      assertThat(pages).isNotEmpty();
      assertThat(linked).containsAll(pages);
    }
  }

  @Test
  void everyLinkLeadsToAFileAndHeadingThatExist() {
    List<String> broken = new ArrayList<>();
    for (MarkdownDoc doc : MarkdownDoc.all()) {
      for (String target : doc.linkTargets()) {
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto: ... are not ours to check
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file =
            path.isEmpty() ? doc.file() : doc.file().resolveSibling(path).normalize();
        if (!Files.exists(file)) {
          broken.add(doc.file() + ": " + target + " (no such file)");
        } else if (hash >= 0
            && !MarkdownDoc.read(file).anchors().contains(target.substring(hash + 1))) {
          broken.add(doc.file() + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }
}
