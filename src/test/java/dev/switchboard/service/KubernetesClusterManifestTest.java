package dev.switchboard.service;

import static dev.switchboard.service.KubernetesManifest.list;
import static dev.switchboard.service.KubernetesManifest.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Config;
import dev.switchboard.config.CoreKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes/switchboard-cluster.yaml, several gateways on one PostgreSQL database: valid
 * against the Kubernetes schemas, and wired as the cluster needs it: replicas replaced one at a
 * time and a disruption budget that lets a drain go on (every pod is ready: the active one
 * serves, the standbys forward to it), each pod advertising its own address, the database URL
 * and the login token from the Secret, and a configuration the gateway accepts as a PostgreSQL
 * one.
 */
class KubernetesClusterManifestTest {
  private static final Path MANIFEST = Path.of("deploy", "kubernetes", "switchboard-cluster.yaml");
  private static KubernetesManifest manifest;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() throws Exception {
    manifest = new KubernetesManifest(MANIFEST);
  }

  @Test
  void everyDocumentIsValidAgainstTheKubernetesSchemas() throws Exception {
    KubernetesManifest.Run run = KubernetesManifest.validate(MANIFEST);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output().lines())
        .containsExactly(
            "ok ConfigMap/switchboard-config",
            "ok Deployment/switchboard",
            "ok PodDisruptionBudget/switchboard",
            "ok Service/switchboard");
  }

  @Test
  void severalReplicasReplacedOneAtATimeUnderABudgetThatLetsADrainGoOn() throws Exception {
    Map<String, Object> spec = map(manifest.kind("Deployment"), "spec");
    assertThat((Integer) spec.get("replicas")).isGreaterThanOrEqualTo(2);
    Map<String, Object> strategy = map(spec, "strategy");
    assertThat(strategy.get("type")).isEqualTo("RollingUpdate");
    assertThat(map(strategy, "rollingUpdate").get("maxUnavailable")).isEqualTo(1);

    Map<String, Object> budget = map(manifest.kind("PodDisruptionBudget"), "spec");
    assertThat(budget.get("maxUnavailable")).isEqualTo(1);
    // a standby that cannot forward (not ready) may always be evicted
    assertThat(budget.get("unhealthyPodEvictionPolicy")).isEqualTo("AlwaysAllow");
    Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
    assertThat(podLabels).containsAllEntriesOf(map(map(budget, "selector"), "matchLabels"));
    assertThat(podLabels)
        .containsAllEntriesOf(map(map(manifest.kind("Service"), "spec"), "selector"));

    // readiness is /ready, which a standby passes only while it can forward to the active one
    assertThat(map(map(manifest.container(), "readinessProbe"), "httpGet").get("path"))
        .isEqualTo("/ready");
    assertThat(map(map(manifest.container(), "livenessProbe"), "httpGet").get("path"))
        .isEqualTo("/live");
    Config config = config();
    Duration stop = config.get(CoreKeys.DRAIN_TIMEOUT).plus(config.get(CoreKeys.SHUTDOWN_GRACE));
    long grace = ((Number) manifest.podSpec().get("terminationGracePeriodSeconds")).longValue();
    assertThat(grace).isGreaterThanOrEqualTo(stop.toSeconds() + 10);
  }

  @Test
  void eachPodAdvertisesItsOwnAddressOnTheGatewaysPort() throws Exception {
    assertThat(map(map(manifest.env("POD_IP"), "valueFrom"), "fieldRef").get("fieldPath"))
        .isEqualTo("status.podIP");
    int port = config().get(CoreKeys.HTTP_PORT);
    assertThat(manifest.env("SWITCHBOARD_HTTP_ADVERTISE_URL").get("value"))
        .isEqualTo("http://$(POD_IP):" + port);
    assertThat(list(manifest.container(), "ports").getFirst().get("containerPort"))
        .isEqualTo(port);
    assertThat(config().get(CoreKeys.HTTP_HOST)).isEqualTo("0.0.0.0");
  }

  @Test
  void theDatabaseUrlAndTheLoginTokenComeFromTheSecretAndNothingSecretIsWrittenHere()
      throws Exception {
    for (String variable : new String[] {"SWITCHBOARD_DATABASE_URL", "SWITCHBOARD_WEB_TOKEN"}) {
      Map<String, Object> ref = map(map(manifest.env(variable), "valueFrom"), "secretKeyRef");
      assertThat(ref.get("name")).isEqualTo("switchboard");
      assertThat(ref.get("key")).isEqualTo(variable);
    }
    assertThat(
            map(list(manifest.container(), "envFrom").getFirst(), "secretRef").get("name"))
        .isEqualTo("switchboard");
    String text = Files.readString(MANIFEST);
    assertThat(text.lines().filter(l -> !l.startsWith("#")))
        .noneMatch(l ->
            l.matches("(?i).*\\b(token|key|password):\\s*\\S.*") && !l.strip().startsWith("key:"));
    // no volume claim: every replica's lasting state is in the database
    assertThat(manifest.byKind).doesNotContainKey("PersistentVolumeClaim");
  }

  @Test
  void theEmbeddedConfigurationIsAPostgresqlOneWithTheSecretsUrl() throws Exception {
    Config config = config();
    assertThat(config.get(CoreKeys.STORE_URL)).startsWith("postgresql://");
    assertThat(config.get(CoreKeys.LEASE_TTL)).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.get(CoreKeys.HTTP_AUTH)).isTrue();
    assertThat(config.get(CoreKeys.SERVICE_MANAGER))
        .isEqualTo(CoreKeys.ServiceManagerSetting.KUBERNETES);
  }

  private Config config() throws Exception {
    return manifest.embeddedConfig(
        dir.resolve("home"),
        Map.of(
            "SWITCHBOARD_DATABASE_URL",
            "postgresql://switchboard@db.internal:5432/switchboard",
            "SWITCHBOARD_WEB_TOKEN",
            "0123456789abcdef0123456789abcdef",
            "SWITCHBOARD_HTTP_ADVERTISE_URL",
            "http://10.0.0.7:8642"));
  }
}
