package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md stays true to the code: the lifecycle rules keep the numbers code
 * comments cite, every test a rule names exists, and the package table lists the packages as
 * they are, each with an entry type that exists.
 */
class ArchitectureDocTest {
  private static final MarkdownDoc DOC = MarkdownDoc.read(Path.of("docs/architecture.md"));
  private static final int RULES = 11;
  private static final Pattern RULE = Pattern.compile("(\\d+)\\. \\*\\*.*");
  private static final Pattern TEST_NAME = Pattern.compile("`(\\w+)(?:\\.(\\w+))?`");
  private static final Pattern PACKAGE_CELL = Pattern.compile("`(dev\\.switchboard[\\w.]*)`");
  private static final Pattern CITATION =
      Pattern.compile("\\brules? (\\d+)(?: (?:and|to) (\\d+))?");
  private static final Path MAIN = Path.of("src/main/java");
  private static final Path TESTS = Path.of("src/test/java");

  /** Each rule's lines, from its numbered line to the next rule's. */
  private static List<List<String>> rules() {
    List<String> lines = DOC.section("The lifecycle contract").prose();
    List<List<String>> rules = new ArrayList<>();
    for (String line : lines) {
      if (RULE.matcher(line).matches()) {
        rules.add(new ArrayList<>());
      }
      if (!rules.isEmpty()) {
        rules.getLast().add(line);
      }
    }
    return rules;
  }

  /** The paragraph that starts with "Tests:" under a rule. */
  private static String testsParagraph(List<String> rule) {
    int start = 0;
    while (start < rule.size() && !rule.get(start).strip().startsWith("Tests:")) {
      start++;
    }
    assertThat(start).as("a Tests: paragraph under " + rule.getFirst()).isLessThan(rule.size());
    StringBuilder text = new StringBuilder();
    for (int i = start; i < rule.size() && !rule.get(i).isBlank(); i++) {
      text.append(rule.get(i)).append(' ');
    }
    return text.toString();
  }

  private static List<Path> javaFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void theRulesAreNumberedOneToEleven() {
    List<Integer> numbers = rules().stream()
        .map(rule -> RULE.matcher(rule.getFirst()))
        .filter(Matcher::matches)
        .map(m -> Integer.parseInt(m.group(1)))
        .toList();
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i <= RULES; i++) {
      expected.add(i);
    }
    assertThat(numbers).isEqualTo(expected);
  }

  @Test
  void everyRuleNamesTestsThatExist() throws Exception {
    Map<String, Path> tests = javaFiles(TESTS).stream()
        .collect(Collectors.toMap(
            p -> p.getFileName().toString().replace(".java", ""),
            Function.identity(),
            (a, b) -> a));
    for (List<String> rule : rules()) {
      Matcher m = TEST_NAME.matcher(testsParagraph(rule));
      int named = 0;
      while (m.find()) {
        named++;
        Path file = tests.get(m.group(1));
        assertThat(file).as("test class " + m.group(1)).isNotNull();
        if (m.group(2) != null) {
          assertThat(Files.readString(file)).as(m.group(0)).contains("void " + m.group(2) + "(");
        }
      }
      assertThat(named).as("tests named under " + rule.getFirst()).isPositive();
    }
  }

  @Test
  void everyRuleCitedInTheCodeExists() throws Exception {
    for (Path file : javaFiles(MAIN)) {
      Matcher m = CITATION.matcher(Files.readString(file));
      while (m.find()) {
        for (int g = 1; g <= 2; g++) {
          if (m.group(g) != null) {
            assertThat(Integer.parseInt(m.group(g)))
                .as(file + ": " + m.group(0))
                .isBetween(1, RULES);
          }
        }
      }
    }
  }

  @Test
  void thePackageTableListsEveryPackageWithAnEntryTypeItHolds() throws Exception {
    Set<String> packages = new TreeSet<>();
    for (Path file : javaFiles(MAIN.resolve("dev/switchboard"))) {
      packages.add(MAIN.relativize(file.getParent()).toString().replace('/', '.'));
    }
    Set<String> documented = new TreeSet<>();
    for (List<String> cells : DOC.section("Packages").tableRows()) {
      Matcher pkg = PACKAGE_CELL.matcher(cells.getFirst());
      if (!pkg.matches()) {
        continue;
      }
      documented.add(pkg.group(1));
      Matcher entry = TEST_NAME.matcher(cells.getLast());
      assertThat(entry.matches()).as("entry type of " + pkg.group(1)).isTrue();
      Path type = MAIN.resolve(pkg.group(1).replace('.', '/')).resolve(entry.group(1) + ".java");
      assertThat(type).as("entry type of " + pkg.group(1)).exists();
    }
    assertThat(documented).isEqualTo(packages);
  }
}
