package dev.switchboard.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookDiscoveryTest {
  @TempDir
  Path home;

  @Test
  void executableFilesOfTheEventsFolderSortedThenTheConfiguredCommandsInOrder() throws Exception {
    HookScripts.hook(home, EventKind.TURN_FINISHED, "20-second", "true");
    HookScripts.hook(home, EventKind.TURN_FINISHED, "10-first", "true");
    HookScripts.hook(home, EventKind.TURN_FINISHED, ".hidden", "true");
    HookScripts.hook(home, EventKind.TURN_STARTED, "other-event", "true");
    Path dir = home.resolve("hooks/turn.finished");
    Files.writeString(dir.resolve("notes.txt"), "not a program");
    Files.createDirectories(dir.resolve("a-folder"));
    HookSettings settings = new HookSettings(
        HookSettings.DEFAULTS.timeout(),
        4,
        100,
        false,
        Map.of(EventKind.TURN_FINISHED, List.of("logger -t sb", "cat >> /tmp/x")));

    List<Hook> hooks = new HookDiscovery(home, settings).find(EventKind.TURN_FINISHED);

    assertThat(hooks)
        .extracting(Hook::name)
        .containsExactly(
            "hooks/turn.finished/10-first",
            "hooks/turn.finished/20-second",
            "hooks.commands.turn_finished[0]",
            "hooks.commands.turn_finished[1]");
    assertThat(hooks.getFirst().command())
        .containsExactly(dir.resolve("10-first").toAbsolutePath().toString());
    assertThat(hooks.get(2).command()).containsExactly("/bin/sh", "-c", "logger -t sb");
  }

  @Test
  void noFolderAndNoCommandsIsNoHooks() {
    assertThat(new HookDiscovery(home, HookSettings.DEFAULTS).find(EventKind.COMMAND_RUN))
        .isEmpty();
  }

  @Test
  void aHookAddedWhileRunningIsFoundAtTheNextEvent() throws Exception {
    HookDiscovery discovery = new HookDiscovery(home, HookSettings.DEFAULTS);
    assertThat(discovery.find(EventKind.SESSION_NEW)).isEmpty();
    HookScripts.hook(home, EventKind.SESSION_NEW, "late", "true");
    assertThat(discovery.find(EventKind.SESSION_NEW))
        .extracting(Hook::name)
        .containsExactly("hooks/session.new/late");
  }
}
