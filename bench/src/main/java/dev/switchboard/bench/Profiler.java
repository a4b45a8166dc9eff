package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Optional: records the gateway's measured windows with JDK Flight Recorder, started and
 * stopped through jcmd so warm-up and start-up stay out of the recording. Each window gives
 * {@code <dir>/<bot>-<phase>.jfr}; summarise with {@code jfr view hot-methods FILE}. Profiled
 * runs are for finding where time goes, not for the reported numbers (JFR costs a few %).
 */
class Profiler {
  static final Profiler NONE = new Profiler(null);

  private final Path dir;
  private final List<Path> recordings = new ArrayList<>();

  Profiler(Path dir) {
    this.dir = dir;
  }

  List<Path> recordings() {
    return recordings;
  }

  void windowStarts(String phase, BotProcess bot) {
    if (dir == null) {
      return;
    }
    Path file = dir.toAbsolutePath().resolve(bot.kind().replace(' ', '-') + "-" + phase + ".jfr");
    jcmd(bot, "JFR.start", "name=" + phase, "settings=profile", "filename=" + file);
    recordings.add(file);
  }

  void windowEnds(String phase, BotProcess bot) {
    if (dir == null) {
      return;
    }
    jcmd(bot, "JFR.stop", "name=" + phase);
  }

  private static void jcmd(BotProcess bot, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(Long.toString(bot.pid()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        System.err.println("bench: " + String.join(" ", cmd) + " failed:\n" + out);
      }
    } catch (IOException e) {
      System.err.println("bench: cannot run jcmd: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Profiler into(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new Profiler(dir);
  }
}
