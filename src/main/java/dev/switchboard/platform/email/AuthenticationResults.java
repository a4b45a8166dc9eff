package dev.switchboard.platform.email;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the receiving mail server found when it checked a message's sender (RFC 8601's
 * Authentication-Results header), and whether that vouches for the From address: a DKIM
 * signature that passed for the From's domain, or an SPF pass for an envelope sender of that
 * domain. A pass for another domain proves nothing about From (anyone can send from their own
 * domain with a valid SPF record), so it does not count. Domains are aligned loosely, as DMARC's
 * relaxed mode does, but without the public suffix list: equal, or one a subdomain of the other.
 *
 * <p>Written by hand because no maintained Java library parses this header; the grammar is
 * small: {@code authserv-id [version] ; method=result ptype.property=value ... ; ...}, with
 * comments in parentheses anywhere and values possibly quoted.
 */
final class AuthenticationResults {
  /** One {@code method=result} with its properties ({@code header.d}, {@code smtp.mailfrom}). */
  record Check(String method, String result, Map<String, String> properties) {}

  /** The verdict on one message. */
  record Verdict(boolean vouched, String why) {}

  private final String authservId;
  private final List<Check> checks;

  private AuthenticationResults(String authservId, List<Check> checks) {
    this.authservId = authservId;
    this.checks = List.copyOf(checks);
  }

  String authservId() {
    return authservId;
  }

  List<Check> checks() {
    return checks;
  }

  /** One header field of a mail, in the order the mail holds them. */
  record Field(String name, String value) {}

  /**
   * What to believe among a mail's Authentication-Results (servers add theirs at the top): the
   * checks of the headers from {@code trusted} at the very top of the mail, above any Received
   * header (a Postfix with OpenDKIM, OpenDMARC and an SPF policy writes three there), or, when
   * the server writes its header below a Received, its topmost one alone; with no trusted name,
   * the topmost header's server. Null when there is none to believe.
   */
  static @Nullable AuthenticationResults pick(List<Field> fields, @Nullable String trusted) {
    String id = trusted;
    String named = "";
    List<Check> run = null;
    boolean belowReceived = false;
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase("Received")) {
        if (run != null) {
          break;
        }
        belowReceived = true;
        continue;
      }
      if (!f.name().equalsIgnoreCase("Authentication-Results")) {
        continue;
      }
      AuthenticationResults parsed = parse(f.value());
      if (id == null) {
        id = parsed.authservId;
      }
      if (!parsed.authservId.equalsIgnoreCase(id)) {
        continue;
      }
      if (belowReceived) {
        // Below a Received header (Gmail writes its own there) nothing marks where the server's
        // headers end and a sender's begin: its topmost header alone is believed.
        return run == null ? parsed : new AuthenticationResults(named, run);
      }
      if (run == null) {
        run = new ArrayList<>();
        named = parsed.authservId; // as the server writes itself
      }
      run.addAll(parsed.checks);
    }
    return run == null ? null : new AuthenticationResults(named, run);
  }

  /** Among Authentication-Results values alone, top first. */
  static @Nullable AuthenticationResults pick(String[] headers, @Nullable String trusted) {
    List<Field> fields = new ArrayList<>();
    for (String h : headers) {
      fields.add(new Field("Authentication-Results", h));
    }
    return pick(fields, trusted);
  }

  static AuthenticationResults parse(String header) {
    String text = withoutComments(header.replace("\r", " ").replace("\n", " ").replace("\t", " "));
    List<String> parts = splitOutsideQuotes(text, ';');
    String[] head = parts.isEmpty() ? new String[0] : parts.getFirst().trim().split("\\s+", -1);
    // Microsoft 365 writes no server name: the first part is already a check.
    boolean nameless = head.length > 0 && head[0].contains("=");
    String id = head.length == 0 || nameless ? "" : head[0];
    List<Check> checks = new ArrayList<>();
    for (int i = nameless ? 0 : 1; i < parts.size(); i++) {
      Check c = check(parts.get(i).trim());
      if (c != null) {
        checks.add(c);
      }
    }
    return new AuthenticationResults(id, checks);
  }

  private static @Nullable Check check(String part) {
    List<String> words = splitOutsideQuotes(part, ' ');
    words.removeIf(String::isBlank);
    if (words.isEmpty()) {
      return null;
    }
    String first = words.getFirst();
    int eq = first.indexOf('=');
    if (eq <= 0) {
      return null; // "none": no checks were made
    }
    String method = first.substring(0, eq).toLowerCase(Locale.ROOT);
    int slash = method.indexOf('/'); // a method version: dkim/1=pass
    if (slash > 0) {
      method = method.substring(0, slash);
    }
    String result = unquote(first.substring(eq + 1)).toLowerCase(Locale.ROOT);
    Map<String, String> props = new LinkedHashMap<>();
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      int e = w.indexOf('=');
      if (e > 0) {
        props.putIfAbsent(w.substring(0, e).toLowerCase(Locale.ROOT), unquote(w.substring(e + 1)));
      }
    }
    return new Check(method, result, props);
  }

  /** Whether these results vouch for mail whose From address is in {@code fromDomain}. */
  Verdict vouchesFor(String fromDomain) {
    List<String> seen = new ArrayList<>();
    for (Check c : checks) {
      if (!c.method().equals("dkim") && !c.method().equals("spf")) {
        continue;
      }
      String domain = c.method().equals("dkim") ? dkimDomain(c) : spfDomain(c);
      seen.add(c.method() + "=" + c.result() + (domain == null ? "" : " for " + domain));
      if (c.result().equals("pass") && domain != null && aligned(domain, fromDomain)) {
        return new Verdict(true, c.method() + " passed for " + domain);
      }
    }
    return new Verdict(
        false,
        seen.isEmpty()
            ? "its Authentication-Results from " + authservId + " hold no DKIM or SPF result"
            : "neither DKIM nor SPF passed for " + fromDomain + " (" + String.join(", ", seen)
                + ")");
  }

  private static @Nullable String dkimDomain(Check c) {
    String d = c.properties().get("header.d");
    if (d == null) {
      String i = c.properties().get("header.i");
      d = i == null ? null : i.substring(i.lastIndexOf('@') + 1);
    }
    return d == null || d.isBlank() ? null : d.toLowerCase(Locale.ROOT);
  }

  private static @Nullable String spfDomain(Check c) {
    String from = c.properties().get("smtp.mailfrom");
    if (from == null || from.isBlank()) {
      return null;
    }
    return from.substring(from.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }

  static boolean aligned(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    return x.equals(y) || x.endsWith("." + y) || y.endsWith("." + x);
  }

  /** Removes {@code (comments)}, which nest, except inside quoted strings. */
  static String withoutComments(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\' && i + 1 < s.length() && (quoted || depth > 0)) {
        if (depth == 0) {
          out.append(ch).append(s.charAt(i + 1));
        }
        i++;
      } else if (depth == 0 && ch == '"') {
        quoted = !quoted;
        out.append(ch);
      } else if (!quoted && ch == '(') {
        depth++;
      } else if (!quoted && ch == ')' && depth > 0) {
        depth--;
        if (depth == 0) {
          out.append(' ');
        }
      } else if (depth == 0) {
        out.append(ch);
      }
    }
    return out.toString();
  }

  private static List<String> splitOutsideQuotes(String s, char sep) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quoted && ch == '\\' && i + 1 < s.length()) {
        // An escaped character in a quoted string ("a\";b") is text, never a separator.
        current.append(ch).append(s.charAt(++i));
        continue;
      }
      if (ch == '"') {
        quoted = !quoted;
      }
      if (ch == sep && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static String unquote(String v) {
    String t = v.trim();
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")
        ? t.substring(1, t.length() - 1)
        : t;
  }
}
