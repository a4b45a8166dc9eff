package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.PluginCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A manifest of deploy/kubernetes read for the tests: its documents by kind, the Deployment's
 * pod and container, the ConfigMap's configuration as the gateway loads it, and the schema check
 * (kubernetes-models, run with Node.js).
 */
final class KubernetesManifest {
  private static final Path VALIDATOR = Path.of("src", "test", "node", "kubernetes-validate.mjs");

  final Path file;
  final Map<String, Map<String, Object>> byKind = new HashMap<>();

  @SuppressWarnings("unchecked")
  KubernetesManifest(Path file) throws IOException {
    this.file = file;
    for (Object doc :
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
      Map<String, Object> m = (Map<String, Object>) doc;
      byKind.put((String) m.get("kind"), m);
    }
  }

  record Run(int exitCode, String output) {}

  static Run validate(Path file) throws Exception {
    Process p = new ProcessBuilder("node", VALIDATOR.toString(), file.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  Map<String, Object> kind(String kind) {
    assertThat(byKind).containsKey(kind);
    return byKind.get(kind);
  }

  /** The ConfigMap's switchboard.yaml as the gateway loads it, with {@code env} around it. */
  Config embeddedConfig(Path home, Map<String, String> env) throws IOException {
    Files.createDirectories(home);
    Files.writeString(home.resolve("switchboard.yaml"), (String)
        map(kind("ConfigMap"), "data").get("switchboard.yaml"));
    return new ConfigLoader(PluginCatalog.discover().schema()).load(home, env);
  }

  Map<String, Object> podSpec() {
    return map(map(map(kind("Deployment"), "spec"), "template"), "spec");
  }

  Map<String, Object> container() {
    return list(podSpec(), "containers").getFirst();
  }

  /** The container's variable {@code name} as written: its value, or its valueFrom. */
  Map<String, Object> env(String name) {
    return list(container(), "env").stream()
        .filter(e -> name.equals(e.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no variable " + name + " in " + file));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    assertThat(m).containsKey(key);
    return (Map<String, Object>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    assertThat(m).containsKey(key);
    return new ArrayList<>((List<Map<String, Object>>) m.get(key));
  }
}
