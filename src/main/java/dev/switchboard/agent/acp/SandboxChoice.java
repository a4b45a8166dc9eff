package dev.switchboard.agent.acp;

import dev.switchboard.agent.acp.AcpBackendFactory.SandboxSetting;
import dev.switchboard.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Whether agents run in the sandbox, from {@code agent.acp.sandbox} and a trial run of
 * bubblewrap: {@code auto} uses it where it works, {@code on} refuses to start without it.
 *
 * @param bubblewrap the sandbox; null when agents run unsandboxed
 * @param unsandboxedBecause why they do, for the log and {@code doctor}; null when sandboxed
 */
record SandboxChoice(
    @Nullable Bubblewrap bubblewrap, @Nullable String unsandboxedBecause) {

  /**
   * @param path the gateway's PATH, where {@code bwrap} is looked for
   * @throws ConfigException naming {@code agent.acp.sandbox} when it is on and cannot work
   */
  static SandboxChoice decide(
      SandboxSetting setting, @Nullable String path, List<Path> hidden, List<Path> writable)
      throws InterruptedException {
    if (setting == SandboxSetting.OFF) {
      return new SandboxChoice(null, "agent.acp.sandbox is off");
    }
    Path program = AcpBackendFactory.findProgram("bwrap", path);
    Optional<String> failure = program == null
        ? Optional.of("bwrap (bubblewrap) is not on PATH")
        : new Bubblewrap(program, hidden, writable).probe();
    if (failure.isEmpty() && program != null) {
      return new SandboxChoice(new Bubblewrap(program, hidden, writable), null);
    }
    String why = failure.orElseThrow();
    if (setting == SandboxSetting.ON) {
      throw new ConfigException(
          AcpBackendFactory.SANDBOX.path(),
          "is on, but agents cannot be sandboxed here: " + why + "; install bubblewrap (Debian:"
              + " apt-get install bubblewrap) where user namespaces are allowed, or set it to"
              + " auto or off");
    }
    return new SandboxChoice(null, why);
  }
}
