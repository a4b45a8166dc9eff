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
    String program = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (program) {
      case "crash-soak" -> System.exit(crashSoak(rest));
      case "restart-cycles" -> System.exit(restartCycles(rest));
      case "soak" -> System.exit(soak(rest));
      default -> {
        System.err.println("usage: reliability/run crash-soak|restart-cycles|soak"
            + " [--option value]...  (--help)");
        System.exit(2);
      }
    }
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
    if (!parse("crash-soak", o, args)) {
      return 0;
    }
    String stamp = stamp();
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
        jvmOptions(o.get("gateway-jvm-opts")),
        o.get("label"));
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalArgumentException("--jar: no such file: " + settings.jar());
    }
    System.out.println("crash soak: working in " + work + "; seed " + settings.seed());
    CrashSoakReport report = CrashSoak.run(settings, Reliability::progress);
    write(out, report.text(), report.json());
    System.out.println("the gateway's home and console output are in " + work);
    return report.targetsMet() ? 0 : 1;
  }

  private static int restartCycles(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("jar", "../target/switchboard.jar");
    o.put("aot-cache", "../target/switchboard.aot");
    o.put("work", "");
    o.put("cycles", "1000");
    o.put("cycle-timeout", "60s");
    o.put("gateway-jvm-opts", String.join(" ", GatewayLaunch.LAUNCHER_JVM_OPTIONS));
    o.put("label", "");
    o.put("out", "");
    if (!parse("restart-cycles", o, args)) {
      return 0;
    }
    String stamp = stamp();
    Path work = o.get("work").isEmpty()
        ? Path.of("target", "restart-cycles-" + stamp)
        : Path.of(o.get("work"));
    Path out = o.get("out").isEmpty()
        ? Path.of("results", "restart-cycles-" + stamp)
        : Path.of(o.get("out"));
    Path aot = o.get("aot-cache").isEmpty() ? null : Path.of(o.get("aot-cache")).toAbsolutePath();
    if (aot != null && !Files.isRegularFile(aot)) {
      throw new IllegalArgumentException("--aot-cache: no such file: " + aot
          + " (./switchboard makes it; '' starts without one)");
    }
    RestartCyclesSettings settings = new RestartCyclesSettings(
        Path.of(o.get("jar")).toAbsolutePath(),
        work.toAbsolutePath(),
        Integer.parseInt(o.get("cycles")),
        duration("cycle-timeout", o.get("cycle-timeout")),
        jvmOptions(o.get("gateway-jvm-opts")),
        aot,
        o.get("label"));
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalArgumentException("--jar: no such file: " + settings.jar());
    }
    System.out.println("restart cycles: working in " + work);
    RestartCyclesReport report = RestartCycles.run(settings, Reliability::progress);
    write(out, report.text(), report.json());
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
    if (!parse("soak", o, args)) {
      return 0;
    }
    String stamp = stamp();
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
        jvmOptions(o.get("gateway-jvm-opts")),
        o.get("label"));
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalArgumentException("--jar: no such file: " + settings.jar());
    }
    System.out.println("soak: working in " + work);
    SoakReport report = Soak.run(settings, Reliability::progress);
    write(out, report.text(), report.json());
    Files.writeString(Path.of(out + ".csv"), report.csv(), StandardCharsets.UTF_8);
    System.out.println("the samples are in " + out + ".csv; the gateway's home and console"
        + " output in " + work);
    return report.targetsMet() ? 0 : 1;
  }

  private static void progress(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static List<String> jvmOptions(String words) {
    return words.isBlank() ? List.of() : List.of(words.trim().split("\\s+"));
  }

  private static String stamp() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC)
        .format(Instant.now());
  }

  /** Prints the report and writes it to {@code out}.txt and .json. */
  private static void write(Path out, String text, Object json) throws Exception {
    System.out.println();
    System.out.print(text);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(Path.of(out + ".txt"), text, StandardCharsets.UTF_8);
    JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    Files.writeString(
        Path.of(out + ".json"), mapper.writeValueAsString(json), StandardCharsets.UTF_8);
    System.out.println("written: " + out + ".txt and .json");
  }

  /**
   * Reads {@code --key value} and {@code --key=value} into {@code o}, whose keys are the only
   * options and whose values are the defaults; false after printing the usage for --help.
   */
  private static boolean parse(String program, Map<String, String> o, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        usage(program, o);
        return false;
      }
      if (!a.startsWith("--")) {
        usage(program, o);
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
        usage(program, o);
        throw new IllegalArgumentException("unknown option --" + key);
      }
      o.put(key, value);
    }
    return true;
  }

  private static void usage(String program, Map<String, String> defaults) {
    System.err.println(
        "usage: reliability/run " + program + " [--option value]...  (defaults shown)");
    defaults.forEach((k, v) -> System.err.println("  --" + k + " " + (v.isEmpty() ? "''" : v)));
    System.err.println("  durations: 30ms, 4s, 2m; --seed repeats a crash soak's kill moments");
    System.err.println("  --work: where the gateway's home and console output go"
        + " (default target/" + program + "-<time>)");
    System.err.println("  --out: the report's path without .txt/.json"
        + " (default results/" + program + "-<time>)");
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
