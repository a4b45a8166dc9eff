package dev.switchboard.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reliability programs, run on demand by reliability/run (see reliability/README.md). Their
 * logic is in the main project's test code (the test jar), which the process-level tests run in
 * short; this is their command line.
 */
public final class Reliability {
  private Reliability() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("soak")) {
      System.exit(soak(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length == 0 || !args[0].equals("crash-soak")) {
      System.err.println("usage: reliability/run crash-soak|soak [--option value]...  (--help)");
      System.exit(2);
    }
    System.exit(crashSoak(Arrays.copyOfRange(args, 1, args.length)));
  }

  private static int crashSoak(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("jar", "../target/switchboard.jar");
    o.put("work", "");
    o.put("kills", "200");
    o.put("chats", "20");
    o.put("model-latency", "30ms");
    o.put("edit-interval", "300ms");
    o.put("max-uptime", "4s");
    o.put("start-kill-fraction", "0.1");
    o.put("answer-wait", "600s");
    o.put("settle", "120s");
    o.put("start-timeout", "120s");
    o.put("seed", "");
    o.put("gateway-jvm-opts", String.join(" ", GatewayLaunch.LAUNCHER_JVM_OPTIONS));
    o.put("label", "");
    o.put("out", "");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        usage(o);
        return 0;
      }
      if (!a.startsWith("--")) {
        usage(o);
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("missing value for --" + key);
      }
      if (!o.containsKey(key)) {
        usage(o);
        throw new IllegalArgumentException("unknown option --" + key);
      }
      o.put(key, value);
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC)
        .format(Instant.now());
    Path work = o.get("work").isEmpty()
        ? Path.of("target", "crash-soak-" + stamp)
        : Path.of(o.get("work"));
    Path out = o.get("out").isEmpty()
        ? Path.of("results", "crash-soak-" + stamp)
        : Path.of(o.get("out"));
    CrashSoakSettings settings = new CrashSoakSettings(
        Path.of(o.get("jar")).toAbsolutePath(),
        work.toAbsolutePath(),
        Integer.parseInt(o.get("kills")),
        Integer.parseInt(o.get("chats")),
        duration("model-latency", o.get("model-latency")),
        duration("edit-interval", o.get("edit-interval")),
        duration("max-uptime", o.get("max-uptime")),
        Double.parseDouble(o.get("start-kill-fraction")),
        duration("answer-wait", o.get("answer-wait")),
        duration("settle", o.get("settle")),
        duration("start-timeout", o.get("start-timeout")),
        o.get("seed").isEmpty() ? System.nanoTime() : Long.parseLong(o.get("seed")),
        o.get("gateway-jvm-opts").isBlank()
            ? List.of()
            : List.of(o.get("gateway-jvm-opts").trim().split("\\s+")),
        o.get("label"));
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalArgumentException("--jar: no such file: " + settings.jar());
    }
    System.out.println("crash soak: working in " + work + "; seed " + settings.seed());
    CrashSoakReport report = CrashSoak.run(settings, line -> {
      System.out.println(line);
      System.out.flush();
    });
    String text = report.text();
    System.out.println();
    System.out.print(text);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(Path.of(out + ".txt"), text, StandardCharsets.UTF_8);
    JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    Files.writeString(
        Path.of(out + ".json"), json.writeValueAsString(report.json()), StandardCharsets.UTF_8);
    System.out.println("written: " + out + ".txt and .json; the gateway's home and console"
        + " output are in " + work);
    return report.targetsMet() ? 0 : 1;
  }

  private static int soak(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("jar", "../target/switchboard.jar");
    o.put("work", "");
    o.put("duration", "60m");
    o.put("rate", "50");
    o.put("chats", "200");
    o.put("model-latency", "30ms");
    o.put("edit-interval", "1000ms");
    o.put("sample-every", "10s");
    o.put("late-after", "60s");
    o.put("drain", "120s");
    o.put("retention-delivered", "15m");
    o.put("transcript-lines", "100");
    o.put("start-timeout", "120s");
    o.put("rss-tolerance", "0.10");
    o.put("fd-band", "10");
    o.put("store-tolerance", "0.10");
    o.put("min-rate-fraction", "0.95");
    o.put("gateway-jvm-opts", String.join(" ", GatewayLaunch.LAUNCHER_JVM_OPTIONS));
    o.put("label", "");
    o.put("out", "");
    if (!parseOptions(args, o, "soak")) {
      return 0;
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC)
        .format(Instant.now());
    Path work =
        o.get("work").isEmpty() ? Path.of("target", "soak-" + stamp) : Path.of(o.get("work"));
    Path out =
        o.get("out").isEmpty() ? Path.of("results", "soak-" + stamp) : Path.of(o.get("out"));
    SoakSettings settings = new SoakSettings(
        Path.of(o.get("jar")).toAbsolutePath(),
        work.toAbsolutePath(),
        duration("duration", o.get("duration")),
        Double.parseDouble(o.get("rate")),
        Integer.parseInt(o.get("chats")),
        duration("model-latency", o.get("model-latency")),
        duration("edit-interval", o.get("edit-interval")),
        duration("sample-every", o.get("sample-every")),
        duration("late-after", o.get("late-after")),
        duration("drain", o.get("drain")),
        duration("retention-delivered", o.get("retention-delivered")),
        Integer.parseInt(o.get("transcript-lines")),
        duration("start-timeout", o.get("start-timeout")),
        Double.parseDouble(o.get("rss-tolerance")),
        Integer.parseInt(o.get("fd-band")),
        Double.parseDouble(o.get("store-tolerance")),
        Double.parseDouble(o.get("min-rate-fraction")),
        o.get("gateway-jvm-opts").isBlank()
            ? List.of()
            : List.of(o.get("gateway-jvm-opts").trim().split("\\s+")),
        o.get("label"));
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalArgumentException("--jar: no such file: " + settings.jar());
    }
    System.out.println("soak: working in " + work);
    SoakReport report = Soak.run(settings, line -> {
      System.out.println(line);
      System.out.flush();
    });
    String text = report.text();
    System.out.println();
    System.out.print(text);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(Path.of(out + ".txt"), text, StandardCharsets.UTF_8);
    Files.writeString(Path.of(out + ".csv"), report.csv(), StandardCharsets.UTF_8);
    JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    Files.writeString(
        Path.of(out + ".json"), json.writeValueAsString(report.json()), StandardCharsets.UTF_8);
    System.out.println("written: " + out + ".txt, .json and .csv (the samples); the gateway's"
        + " home and console output are in " + work);
    return report.targetsMet() ? 0 : 1;
  }

  /**
   * Reads {@code --key value} (or {@code --key=value}) options into {@code o}, whose keys are
   * the options known and whose values their defaults; false after printing the usage for
   * --help.
   */
  private static boolean parseOptions(String[] args, Map<String, String> o, String program) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        soakUsage(o, program);
        return false;
      }
      if (!a.startsWith("--")) {
        soakUsage(o, program);
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("missing value for --" + key);
      }
      if (!o.containsKey(key)) {
        soakUsage(o, program);
        throw new IllegalArgumentException("unknown option --" + key);
      }
      o.put(key, value);
    }
    return true;
  }

  private static void soakUsage(Map<String, String> defaults, String program) {
    System.err.println(
        "usage: reliability/run " + program + " [--option value]...  (defaults shown)");
    defaults.forEach((k, v) -> System.err.println("  --" + k + " " + (v.isEmpty() ? "''" : v)));
    System.err.println("  durations: 30ms, 4s, 2m; see reliability/README.md, Soak");
    System.err.println("  --work: where the gateway's home, console output and samples.csv go"
        + " (default target/soak-<time>)");
    System.err.println("  --out: the report's path without .txt/.json/.csv"
        + " (default results/soak-<time>)");
  }

  private static void usage(Map<String, String> defaults) {
    System.err.println("usage: reliability/run crash-soak [--option value]...  (defaults shown)");
    defaults.forEach((k, v) -> System.err.println("  --" + k + " " + (v.isEmpty() ? "''" : v)));
    System.err.println("  durations: 30ms, 4s, 2m; --seed repeats a run's kill moments");
    System.err.println("  --work: where the gateway's home and console output go"
        + " (default target/crash-soak-<time>)");
    System.err.println("  --out: the report's path without .txt/.json"
        + " (default results/crash-soak-<time>)");
  }

  static Duration duration(String option, String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(
            (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      }
    } catch (NumberFormatException e) {
      // the message below names the option
    }
    throw new IllegalArgumentException("--" + option + ": a duration such as 30ms, 4s or 2m,"
        + " not '" + s + "'");
  }
}
