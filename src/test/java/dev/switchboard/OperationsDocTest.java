package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.CoreKeys;
import dev.switchboard.lifecycle.ExitCodes;
import dev.switchboard.service.LaunchdPlist;
import dev.switchboard.service.SystemdUnit;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md says what a supervisor sees: a row for every exit code, the systemd unit
 * exactly as {@code switchboard install} writes it for the default settings with a bullet on
 * every directive, and a bullet on every launchd key.
 */
class OperationsDocTest {
  private static final MarkdownDoc DOC = MarkdownDoc.read(Path.of("docs/operations.md"));
  private static final String SYSTEMD = "systemd: `switchboard install`";
  private static final String LAUNCHD = "macOS: launchd";
  private static final Path HOME = Path.of("/home/you/.switchboard");
  private static final Pattern DIRECTIVE = Pattern.compile("([A-Za-z]+)=.*");
  private static final Pattern PLIST_KEY = Pattern.compile("(?m)^ {2}<key>(\\w+)</key>");

  private static Duration hardDeadline() {
    return CoreKeys.DRAIN_TIMEOUT.defaultValue().plus(CoreKeys.SHUTDOWN_GRACE.defaultValue());
  }

  private static List<String> command() {
    return List.of(
        "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
        "-XX:+UseSerialGC",
        "-jar",
        "/opt/switchboard/target/switchboard.jar",
        "run",
        "--home",
        HOME.toString());
  }

  private static SystemdUnit unit(String user) {
    return new SystemdUnit(
        command(),
        HOME,
        user,
        CoreKeys.WATCHDOG.defaultValue(),
        hardDeadline(),
        List.of("MALLOC_ARENA_MAX=2"));
  }

  @Test
  void everyExitCodeHasItsRow() throws Exception {
    String text = DOC.section("Exit codes").text();
    for (String code : List.of("| `0` |", "| `1` |", "| `75` |", "| `78` |")) {
      assertThat(text).contains(code);
    }
    for (Field f : ExitCodes.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        assertThat(text).as(f.getName()).contains("| `" + f.getInt(null) + "` |");
      }
    }
  }

  @Test
  void theUnitShownIsTheOneInstallWritesForTheDefaults() {
    List<String> blocks = DOC.section(SYSTEMD).fencedBlocks("ini");
    assertThat(blocks).hasSize(1);
    String shown = blocks.getFirst();
    List<String> drift = SystemdUnit.drift(shown, unit(null).render("test")).stream()
        .filter(line -> !line.substring(2).startsWith("ExecStart="))
        .toList();
    assertThat(drift).as("lines that differ from the unit install writes").isEmpty();
    assertThat(shown.lines().filter(l -> l.startsWith("ExecStart=")).toList())
        .singleElement()
        .asString()
        .endsWith(" -jar /opt/switchboard/target/switchboard.jar run --home " + HOME);
  }

  @Test
  void everyDirectiveOfTheUnitIsExplained() {
    String explained = String.join("\n", DOC.section(SYSTEMD).bulletHeads());
    List<String> unexplained = new ArrayList<>();
    for (String unitText :
        List.of(unit(null).render("test"), unit("switchboard").render("t"))) {
      for (String line : unitText.lines().toList()) {
        Matcher m = DIRECTIVE.matcher(line);
        if (m.matches() && !explained.contains("`" + m.group(1) + "=")) {
          unexplained.add(m.group(1));
        }
      }
    }
    assertThat(unexplained).isEmpty();
  }

  @Test
  void everyLaunchdKeyIsExplained() {
    String explained = String.join("\n", DOC.section(LAUNCHD).bulletHeads());
    String plist = new LaunchdPlist(command(), HOME, hardDeadline()).render("test");
    Matcher m = PLIST_KEY.matcher(plist);
    List<String> keys = new ArrayList<>();
    while (m.find()) {
      keys.add(m.group(1));
    }
    assertThat(keys).isNotEmpty();
    for (String key : keys) {
      assertThat(explained).as("launchd key " + key).contains("`" + key + "`");
    }
  }
}
