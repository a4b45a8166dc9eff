package dev.switchboard.common;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record's {@code toString} with its secrets left out, for records that hold a token or a
 * key: the record's own would print them into any log line or error that shows the record.
 * Every component is shown as the record's own {@code toString} would, except the named
 * secrets ({@code <secret>}, or {@code null} when unset) and the user info of a {@link URI}
 * ({@code https://<secret>@host/}), which is a password. A component added later is shown
 * too, so it must be named here if it is a secret.
 */
public final class RedactedRecord {
  static final String SECRET = "<secret>";

  private RedactedRecord() {}

  public static String toString(Record record, Set<String> secrets) {
    StringBuilder sb = new StringBuilder(record.getClass().getSimpleName()).append('[');
    RecordComponent[] components = record.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      Object value = value(record, c);
      sb.append(i == 0 ? "" : ", ").append(c.getName()).append('=');
      if (value == null) {
        sb.append("null");
      } else if (secrets.contains(c.getName())) {
        sb.append(SECRET);
      } else if (value instanceof URI uri) {
        sb.append(withoutUserInfo(uri));
      } else {
        sb.append(value);
      }
    }
    return sb.append(']').toString();
  }

  private static Object value(Record record, RecordComponent c) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      return "<unreadable>";
    }
  }

  static String withoutUserInfo(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return uri.toString();
    }
    return uri.toString()
        .replaceFirst(Pattern.quote(userInfo + "@"), Matcher.quoteReplacement(SECRET + "@"));
  }
}
