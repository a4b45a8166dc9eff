package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentBackendFactory;
import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.hooks.HookSettings;
import dev.switchboard.job.JobSettings;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.SpeechSettings;
import dev.switchboard.media.TranscriptionSettings;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import dev.switchboard.store.Leases;
import dev.switchboard.store.Retention;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreFactory;
import dev.switchboard.webhook.WebhookConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The platform adapters and agent backends on the class path, found with {@link ServiceLoader}
 * so the core never names one, and the configuration schema they make up together.
 */
public final class PluginCatalog {
  private final Map<String, PlatformAdapterFactory> platforms;
  private final Map<String, AgentBackendFactory> backends;
  private final Map<String, StoreFactory> stores;

  PluginCatalog(
      List<PlatformAdapterFactory> platforms,
      List<AgentBackendFactory> backends,
      List<StoreFactory> stores) {
    this.platforms = new TreeMap<>();
    this.backends = new TreeMap<>();
    this.stores = new TreeMap<>();
    for (StoreFactory f : stores) {
      if (this.stores.putIfAbsent(f.name(), f) != null) {
        throw new IllegalStateException("two stores named " + f.name());
      }
      requireUnder("store." + f.name() + ".", f.configKeys(), f.name());
    }
    for (PlatformAdapterFactory f : platforms) {
      if (this.platforms.putIfAbsent(f.name(), f) != null) {
        throw new IllegalStateException("two platform adapters named " + f.name());
      }
      requireUnder("platforms." + f.name() + ".", f.configKeys(), f.name());
      if (!f.configKeys().contains(f.enabledKey())) {
        throw new IllegalStateException("platform " + f.name() + " must list its enabled key");
      }
    }
    for (AgentBackendFactory f : backends) {
      if (this.backends.putIfAbsent(f.name(), f) != null) {
        throw new IllegalStateException("two agent backends named " + f.name());
      }
      requireUnder("agent." + f.name() + ".", f.configKeys(), f.name());
    }
  }

  private static void requireUnder(String prefix, List<ConfigKey<?>> keys, String owner) {
    for (ConfigKey<?> k : keys) {
      if (!k.path().startsWith(prefix)) {
        throw new IllegalStateException(owner + " declares " + k.path() + " outside " + prefix);
      }
    }
  }

  public static PluginCatalog discover() {
    ClassLoader cl = PluginCatalog.class.getClassLoader();
    return new PluginCatalog(
        ServiceLoader.load(PlatformAdapterFactory.class, cl).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(AgentBackendFactory.class, cl).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(StoreFactory.class, cl).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  public ConfigSchema schema() {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreKeys.all());
    keys.addAll(Retention.configKeys());
    keys.addAll(MediaSettings.configKeys());
    keys.addAll(TranscriptionSettings.configKeys());
    keys.addAll(SpeechSettings.configKeys());
    keys.addAll(HookSettings.configKeys());
    keys.addAll(JobSettings.configKeys());
    keys.addAll(WebhookConfig.configKeys());
    platforms.values().forEach(f -> keys.addAll(f.configKeys()));
    backends.values().forEach(f -> keys.addAll(f.configKeys()));
    stores.values().forEach(f -> keys.addAll(f.configKeys()));
    return ConfigSchema.of(keys);
  }

  public List<String> platformNames() {
    return List.copyOf(platforms.keySet());
  }

  public List<String> backendNames() {
    return List.copyOf(backends.keySet());
  }

  public AgentBackend createBackend(Config config, Path home) {
    String name = backendName(config);
    AgentBackendFactory f = backends.get(name);
    if (f == null) {
      throw new ConfigException(
          CoreKeys.BACKEND.path(),
          "unknown agent backend '" + name + "'; available: "
              + String.join(", ", backends.keySet()));
    }
    return f.create(config, home);
  }

  /**
   * Directories outside {@code home} the selected backend works in, to be created before a
   * service manager makes everything else read-only; none for an unknown backend (the start
   * reports that).
   *
   * @param env the environment the gateway will run with
   */
  public List<Path> workDirectories(Config config, Path home, Map<String, String> env) {
    AgentBackendFactory f = backends.get(backendName(config));
    return f == null ? List.of() : f.workDirectories(config, home, env);
  }

  /** {@link #workDirectories} and the other paths the selected backend's programs write to. */
  public List<Path> writablePaths(Config config, Path home, Map<String, String> env) {
    AgentBackendFactory f = backends.get(backendName(config));
    if (f == null) {
      return List.of();
    }
    List<Path> out = new ArrayList<>(f.workDirectories(config, home, env));
    out.addAll(f.otherWritablePaths(config, home, env));
    return List.copyOf(out);
  }

  /** {@code agent.backend} if set, else the first backend that its own settings select. */
  public String backendName(Config config) {
    if (config.isSet(CoreKeys.BACKEND)) {
      return config.get(CoreKeys.BACKEND);
    }
    return backends.values().stream()
        .filter(f -> f.selectedWhenUnset(config))
        .map(AgentBackendFactory::name)
        .sorted()
        .findFirst()
        .orElse(config.get(CoreKeys.BACKEND));
  }

  /** Opens the store named by {@code store.backend}. */
  public Store openStore(Path home, Config config, Clock clock) {
    return storeFactory(config).open(home, config, clock);
  }

  /** Bytes the configured store takes on disk, without opening it; 0 before the first start. */
  public long storeBytes(Path home, Config config) {
    return storeFactory(config).bytesOnDisk(home, config);
  }

  /** The configured store's leases when gateways share it (who is active); else none. */
  public List<Leases.Lease> sharedLeases(Path home, Config config) {
    return storeFactory(config).sharedLeases(home, config);
  }

  private StoreFactory storeFactory(Config config) {
    String name = storeName(config);
    StoreFactory f = stores.get(name);
    if (f == null) {
      throw new ConfigException(
          CoreKeys.STORE.path(),
          "unknown store '" + name + "'; available: " + String.join(", ", stores.keySet()));
    }
    return f;
  }

  /** {@code store.backend} if set, else the store that its own settings select, else SQLite. */
  public String storeName(Config config) {
    if (config.isSet(CoreKeys.STORE)) {
      String name = config.get(CoreKeys.STORE);
      StoreFactory chosen = stores.get(name);
      if (chosen != null && config.isSet(CoreKeys.STORE_URL) && !chosen.selectedWhenUnset(config)) {
        throw new ConfigException(
            CoreKeys.STORE_URL.path(),
            "is set, but store.backend is '" + name + "', which does not use it; remove one");
      }
      return name;
    }
    return stores.values().stream()
        .filter(f -> f.selectedWhenUnset(config))
        .map(StoreFactory::name)
        .sorted()
        .findFirst()
        .orElse(config.get(CoreKeys.STORE));
  }

  /** Who may use the gateway, from the core settings and each enabled platform's own. */
  public AccessPolicy accessPolicy(Config config) {
    Map<String, List<String>> allowed = new TreeMap<>();
    Map<String, List<String>> admins = new TreeMap<>();
    for (PlatformAdapterFactory f : platforms.values()) {
      allowed.put(f.name(), f.allowedUsers(config));
      admins.put(f.name(), f.adminUsers(config));
    }
    return AccessPolicy.of(
        config.get(CoreKeys.ALLOW_ALL_USERS),
        config.get(CoreKeys.ALLOWED_USERS),
        config.get(CoreKeys.ADMIN_USERS),
        allowed,
        admins);
  }

  /** Adapters for the platforms whose {@code enabled} setting is true, in name order. */
  public List<PlatformAdapter> createEnabledPlatforms(Config config, Path home) {
    List<PlatformAdapter> out = new ArrayList<>();
    for (PlatformAdapterFactory f : platforms.values()) {
      if (f.enabled(config)) {
        out.add(f.create(config, home));
      }
    }
    return out;
  }

  /**
   * {@code switchboard doctor}'s checks of every enabled platform and of the selected agent
   * backend; a setting they reject is a failure naming the key.
   */
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    List<Finding> out = new ArrayList<>();
    for (PlatformAdapterFactory f : platforms.values()) {
      if (f.enabled(config)) {
        try {
          out.addAll(f.diagnose(config, home));
        } catch (ConfigException e) {
          out.add(Finding.fail(f.name(), String.valueOf(e.getMessage()), "correct " + e.key()));
        }
      }
    }
    String name = backendName(config);
    AgentBackendFactory backend = backends.get(name);
    if (backend == null) {
      out.add(Finding.fail(
          "agent",
          "unknown agent backend '" + name + "'",
          "set " + CoreKeys.BACKEND.where() + " to one of "
              + String.join(", ", backends.keySet())));
      return out;
    }
    try {
      out.addAll(backend.diagnose(config, home));
    } catch (ConfigException e) {
      out.add(Finding.fail("agent", String.valueOf(e.getMessage()), "correct " + e.key()));
    }
    return out;
  }
}
