package dev.switchboard.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may talk to the agent and who may run admin commands, from the configuration. Deny by
 * default: with nothing configured, nobody is allowed, and unknown users must pair.
 *
 * <p>Gateway-wide entries are {@code platform:id} for one platform or a bare {@code id} for any
 * platform; per-platform entries are bare ids. Admins are always allowed.
 */
public final class AccessPolicy {
  private final boolean allowAll;
  private final Set<String> anywhere;
  private final Map<String, Set<String>> byPlatform;
  private final Set<String> adminsAnywhere;
  private final Map<String, Set<String>> adminsByPlatform;

  private AccessPolicy(
      boolean allowAll,
      Set<String> anywhere,
      Map<String, Set<String>> byPlatform,
      Set<String> adminsAnywhere,
      Map<String, Set<String>> adminsByPlatform) {
    this.allowAll = allowAll;
    this.anywhere = anywhere;
    this.byPlatform = byPlatform;
    this.adminsAnywhere = adminsAnywhere;
    this.adminsByPlatform = adminsByPlatform;
  }

  public static AccessPolicy of(
      boolean allowAll,
      List<String> allowed,
      List<String> admins,
      Map<String, List<String>> allowedByPlatform,
      Map<String, List<String>> adminsByPlatform) {
    Set<String> anywhere = new HashSet<>();
    Map<String, Set<String>> by = new HashMap<>();
    split(allowed, anywhere, by);
    allowedByPlatform.forEach(
        (p, ids) -> by.computeIfAbsent(p, k -> new HashSet<>()).addAll(trimmed(ids)));
    Set<String> adminAnywhere = new HashSet<>();
    Map<String, Set<String>> adminBy = new HashMap<>();
    split(admins, adminAnywhere, adminBy);
    adminsByPlatform.forEach(
        (p, ids) -> adminBy.computeIfAbsent(p, k -> new HashSet<>()).addAll(trimmed(ids)));
    return new AccessPolicy(allowAll, anywhere, by, adminAnywhere, adminBy);
  }

  /** Nobody allowed, everybody must pair: the policy when nothing is configured. */
  public static AccessPolicy denyAll() {
    return of(false, List.of(), List.of(), Map.of(), Map.of());
  }

  private static void split(
      List<String> entries, Set<String> anywhere, Map<String, Set<String>> by) {
    for (String raw : entries) {
      String e = raw.strip();
      int colon = e.indexOf(':');
      if (colon > 0) {
        by.computeIfAbsent(e.substring(0, colon), k -> new HashSet<>())
            .add(e.substring(colon + 1).strip());
      } else if (!e.isEmpty()) {
        anywhere.add(e);
      }
    }
  }

  private static List<String> trimmed(Collection<String> ids) {
    return ids.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  public boolean allowAll() {
    return allowAll;
  }

  public boolean admin(String platform, String userId) {
    return adminsAnywhere.contains(userId)
        || adminsByPlatform.getOrDefault(platform, Set.of()).contains(userId);
  }

  /** Allowed by configuration (not counting pairing approvals, which live in the store). */
  public boolean allowed(String platform, String userId) {
    return allowAll
        || admin(platform, userId)
        || anywhere.contains(userId)
        || byPlatform.getOrDefault(platform, Set.of()).contains(userId);
  }

  /** True when no user at all is allowed by configuration; worth a line in the log. */
  public boolean nobodyConfigured() {
    return !allowAll
        && anywhere.isEmpty()
        && adminsAnywhere.isEmpty()
        && byPlatform.values().stream().allMatch(Set::isEmpty)
        && adminsByPlatform.values().stream().allMatch(Set::isEmpty);
  }
}
