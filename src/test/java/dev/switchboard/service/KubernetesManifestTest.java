package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Config;
import dev.switchboard.config.CoreKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes: valid against the Kubernetes schemas (checked by kubernetes-models, run
 * with Node.js), and saying what the lifecycle contract needs: one gateway at a time, a grace
 * period above its stop budget, probes on /live and /ready, state on the volume, secrets only
 * from a Secret, and a configuration our own loader accepts.
 */
class KubernetesManifestTest {
  private static final Path MANIFEST = Path.of("deploy", "kubernetes", "switchboard.yaml");
  private static KubernetesManifest manifest;
  private static Map<String, Map<String, Object>> byKind;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() throws IOException {
    manifest = new KubernetesManifest(MANIFEST);
    byKind = manifest.byKind;
  }

  private static KubernetesManifest.Run validate(Path file) throws Exception {
    return KubernetesManifest.validate(file);
  }

  @Test
  void everyDocumentIsValidAgainstTheKubernetesSchemas() throws Exception {
    KubernetesManifest.Run run = validate(MANIFEST);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output().lines())
        .containsExactly(
            "ok ConfigMap/switchboard-config",
            "ok PersistentVolumeClaim/switchboard-state",
            "ok Deployment/switchboard",
            "ok Service/switchboard");
  }

  @Test
  void theSchemaCheckRejectsWhatKubernetesWould() throws Exception {
    String text = Files.readString(MANIFEST);
    Path wrongType = dir.resolve("wrong-type.yaml");
    Files.writeString(wrongType, text.replace("replicas: 1", "replicas: one"));
    KubernetesManifest.Run run = validate(wrongType);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("invalid Deployment/switchboard: data/spec/replicas must" + " be integer");

    Path noPort = dir.resolve("no-port.yaml");
    Files.writeString(
        noPort, text.replaceFirst("path: /ready\n\\s+port: http\n", "path: /ready\n"));
    run = validate(noPort);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("readinessProbe/httpGet must have required property" + " port");

    Path unknownKind = dir.resolve("unknown-kind.yaml");
    Files.writeString(unknownKind, "apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: x\n");
    assertThat(validate(unknownKind).output())
        .contains("no schema for apiVersion v1 kind" + " Gizmo");
  }

  @Test
  void theEmbeddedConfigurationIsAcceptedByTheGateway() throws Exception {
    Config config = embeddedConfig();
    assertThat(config.get(CoreKeys.HTTP_HOST)).isEqualTo("0.0.0.0");
    assertThat(config.get(CoreKeys.HTTP_AUTH)).isTrue();
    assertThat(config.get(CoreKeys.SERVICE_MANAGER))
        .isEqualTo(CoreKeys.ServiceManagerSetting.KUBERNETES);
  }

  @Test
  void oneGatewayAtATimeWithAGracePeriodAboveItsStopBudget() throws Exception {
    Map<String, Object> spec = map(byKind.get("Deployment"), "spec");
    assertThat(spec.get("replicas")).isEqualTo(1);
    // RollingUpdate would start the new pod before the old one stops: two gateways, one token.
    assertThat(map(spec, "strategy").get("type")).isEqualTo("Recreate");
    Config config = embeddedConfig();
    Duration budget = config.get(CoreKeys.DRAIN_TIMEOUT).plus(config.get(CoreKeys.SHUTDOWN_GRACE));
    long grace = ((Number) podSpec().get("terminationGracePeriodSeconds")).longValue();
    assertThat(grace).isGreaterThanOrEqualTo(budget.toSeconds() + 10);
  }

  @Test
  void probesStateAndSecretsAreWiredToTheGateway() throws Exception {
    Map<String, Object> container = container();
    // Liveness on progress only: a platform that is away is reconnected by the gateway itself.
    assertThat(map(map(container, "livenessProbe"), "httpGet").get("path")).isEqualTo("/live");
    assertThat(map(map(container, "startupProbe"), "httpGet").get("path")).isEqualTo("/live");
    assertThat(map(map(container, "readinessProbe"), "httpGet").get("path")).isEqualTo("/ready");
    // The startup probe outlasts the respawn breaker's longest hold-back plus the connects.
    Map<String, Object> startup = map(container, "startupProbe");
    long startupSeconds = ((Number) startup.get("periodSeconds")).longValue()
        * ((Number) startup.get("failureThreshold")).longValue();
    assertThat(startupSeconds)
        .isGreaterThan(Duration.ofMinutes(5).plusSeconds(90).toSeconds());
    List<Map<String, Object>> ports = list(container, "ports");
    assertThat(ports.getFirst().get("containerPort"))
        .isEqualTo(embeddedConfig().get(CoreKeys.HTTP_PORT));

    String home = list(container, "env").stream()
        .filter(e -> "SWITCHBOARD_HOME".equals(e.get("name")))
        .map(e -> (String) e.get("value"))
        .findFirst()
        .orElseThrow();
    List<Map<String, Object>> mounts = list(container, "volumeMounts");
    String stateVolume = mounts.stream()
        .filter(m -> home.equals(m.get("mountPath")))
        .map(m -> (String) m.get("name"))
        .findFirst()
        .orElseThrow();
    Map<String, Object> volume = list(podSpec(), "volumes").stream()
        .filter(v -> stateVolume.equals(v.get("name")))
        .findFirst()
        .orElseThrow();
    assertThat(map(volume, "persistentVolumeClaim").get("claimName"))
        .isEqualTo(map(byKind.get("PersistentVolumeClaim"), "metadata").get("name"));
    assertThat(mounts)
        .anySatisfy(m -> assertThat(m.get("mountPath")).isEqualTo(home + "/switchboard.yaml"));

    assertThat(map(list(container, "envFrom").getFirst(), "secretRef").get("name"))
        .isEqualTo("switchboard");
    assertThat(Files.readString(MANIFEST)).doesNotContainPattern("(?i)(token|key):\\s*\\S");
  }

  private Config embeddedConfig() throws IOException {
    return manifest.embeddedConfig(dir.resolve("home"), Map.of());
  }

  private static Map<String, Object> podSpec() {
    return manifest.podSpec();
  }

  private static Map<String, Object> container() {
    return manifest.container();
  }

  private static Map<String, Object> map(Map<String, Object> m, String key) {
    return KubernetesManifest.map(m, key);
  }

  private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    return KubernetesManifest.list(m, key);
  }
}
