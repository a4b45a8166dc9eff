package dev.switchboard.reliability;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clock jump: the wall clock can be stepped at any moment (an operator, NTP, a VM resumed), so
 * a wait, a timeout or a backoff measured on it stretches or vanishes. Everything that measures
 * a span in the gateway reads a monotonic {@code common.Ticker} (or sleeps, which the JVM times
 * monotonically); the wall clock is read only where the time itself is what is wanted. This
 * keeps that list closed: a new place that reads the wall clock must be added here, with the
 * reason it is not measuring a span (reliability/FAULTS.md, "A clock jump").
 */
class WallClockUseTest {
  /** Reads the wall clock directly, each for a time of day and not for a span. */
  private static final List<String> READS_THE_WALL_CLOCK = List.of(
      "dev.switchboard.platform.api.CompletionsHandler", // "created" of an OpenAI response
      "dev.switchboard.agent.openai.OpenAiBackend", // Retry-After given as an HTTP date
      "dev.switchboard.http.LoginToken", // cookie issue and expiry: the browser's wall clock
      "dev.switchboard.cli.StatusSubcommand", // "up since", compared with another process's
      "dev.switchboard.cli.HomeDiagnosis", // a hold-back's end, written by another process
      "dev.switchboard.cli.PairingSubcommand", // code expiry, shared with the gateway process
      "dev.switchboard.lifecycle.ThreadDumps"); // the dump file's name

  /**
   * Make the system wall clock that the rest is given as a {@link Clock}, used for timestamps
   * (journal, outbox, transcripts, state file, web chat) and for the two spans that outlive a
   * process and so can only be wall time: pairing code expiry and the respawn breaker's window
   * (RespawnBreakerClockJumpTest).
   */
  private static final List<String> WIRES_THE_WALL_CLOCK = List.of(
      "dev.switchboard.lifecycle.Gateway",
      "dev.switchboard.lifecycle.RuntimeBuilder",
      "dev.switchboard.platform.discord.DiscordAdapterFactory",
      "dev.switchboard.platform.slack.SlackAdapterFactory",
      "dev.switchboard.platform.mattermost.MattermostAdapterFactory",
      "dev.switchboard.platform.matrix.MatrixAdapterFactory",
      "dev.switchboard.platform.email.EmailAdapterFactory",
      "dev.switchboard.platform.signal.SignalAdapterFactory",
      "dev.switchboard.platform.web.WebChatFactory",
      "dev.switchboard.platform.api.ApiServerFactory",
      "dev.switchboard.cli.PairingSubcommand");

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.switchboard");
  }

  private static String anyOf(List<String> names) {
    return names.stream()
        .map(n -> n.replace(".", "\\.") + "(\\$.*)?")
        .collect(Collectors.joining("|", "(", ")"));
  }

  @Test
  void onlyTheListedClassesReadTheWallClockDirectly() {
    noClasses()
        .that()
        .haveNameNotMatching(anyOf(READS_THE_WALL_CLOCK))
        .should()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .because("a span measured on the wall clock breaks when the clock is stepped: use a"
            + " common.Ticker, or add the class to READS_THE_WALL_CLOCK with its reason")
        .check(classes);
  }

  @Test
  void onlyTheListedClassesMakeTheSystemWallClock() {
    noClasses()
        .that()
        .haveNameNotMatching(anyOf(WIRES_THE_WALL_CLOCK))
        .should()
        .callMethod(Clock.class, "systemUTC")
        .orShould()
        .callMethod(Clock.class, "systemDefaultZone")
        .because("the wall clock is handed in as a Clock, from the wiring only, so tests can"
            + " step it (ManualClock.jumpWallClock)")
        .check(classes);
  }
}
