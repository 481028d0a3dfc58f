package dev.chatbus.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of dotted keys ({@code limits.rate.burst}) with defaults and range checks, from two
 * sources: the nested JSON settings (the configuration file and the deployment config) and the flat
 * overrides (environment variables and system properties).
 * <p>
 * A key is looked up, first match wins, as the system property {@code chatbus.<key>}, the environment
 * variable {@code CHATBUS_<KEY>} (dots and camel case become underscores: {@code CHATBUS_LIMITS_RATE_BURST}),
 * then the nested JSON value. Every failure names the key and the rule.
 */
final class Settings {

  static final String SYS_PREFIX = "chatbus.";
  static final String ENV_PREFIX = "CHATBUS_";

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  private final JsonObject settings;
  private final JsonObject overrides;
  private final Set<String> read = new HashSet<>();

  /**
   * @param settings  nested JSON, every key of which must be a Chatbus setting
   * @param overrides flat keys, of which only those named {@code chatbus.*} or {@code CHATBUS_*} concern Chatbus
   */
  Settings(JsonObject settings, JsonObject overrides) {
    this.settings = settings;
    this.overrides = overrides;
  }

  /** The environment variable that overrides {@code key}. */
  static String envName(String key) {
    return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  String string(String key, String def) {
    Object v = raw(key);
    return v == null ? def : v.toString().trim();
  }

  boolean bool(String key, boolean def) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    String s = v.toString().trim();
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(key + ": expected true or false, got '" + v + "'");
  }

  int integer(String key, int def, int min, int max) {
    long v = number(key, def);
    if (v < min || v > max) {
      throw new ConfigException(key + ": must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  double decimal(String key, double def, double min) {
    Object v = raw(key);
    double d;
    try {
      d = v == null ? def : v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": expected a number, got '" + v + "'");
    }
    if (!(d >= min) || Double.isInfinite(d)) {
      throw new ConfigException(key + ": must be at least " + min + ", got " + d);
    }
    return d;
  }

  Duration duration(String key, Duration def, Duration min) {
    Object v = raw(key);
    Duration d = v == null ? def : parseDuration(v.toString());
    if (d == null) {
      throw new ConfigException(key + ": expected a duration such as 300s, 250ms, 5m or 1h, got '" + v + "'");
    }
    if (d.compareTo(min) < 0) {
      throw new ConfigException(key + ": must be at least " + min.toMillis() + "ms, got " + d.toMillis() + "ms");
    }
    return d;
  }

  /** {@code text} as a duration ({@code 250ms}, {@code 300s}, {@code 5m}, {@code 1h}, {@code 30d}; a bare number is milliseconds), or null. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "ms" : m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofMillis(n);
    };
  }

  long bytes(String key, long def, long min, long max) {
    Object v = raw(key);
    long n = def;
    if (v != null) {
      Matcher m = SIZE.matcher(v.toString().trim());
      if (!m.matches()) {
        throw new ConfigException(key + ": expected a size such as 4096, 256KiB or 1MiB, got '" + v + "'");
      }
      String unit = m.group(2) == null ? "" : m.group(2);
      int shift = unit.equals("KiB") ? 10 : unit.equals("MiB") ? 20 : unit.equals("GiB") ? 30 : 0;
      n = Long.parseLong(m.group(1)) << shift;
    }
    if (n < min || n > max) {
      throw new ConfigException(key + ": must be between " + min + " and " + max + " bytes, got " + n);
    }
    return n;
  }

  /** A list, from a JSON array or from a comma-separated string (as environment variables give it). */
  List<String> list(String key, List<String> def) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    List<String> values = new ArrayList<>();
    if (v instanceof JsonArray) {
      for (Object o : (JsonArray) v) {
        values.add(String.valueOf(o).trim());
      }
    } else {
      for (String s : v.toString().split(",")) {
        if (!s.isBlank()) {
          values.add(s.trim());
        }
      }
    }
    return List.copyOf(values);
  }

  /**
   * Fails on a key that no read asked for: any key of the JSON settings, or a {@code chatbus.*} system
   * property, so that a typo never silently falls back to a default. An unknown {@code CHATBUS_*}
   * environment variable does not stop the node, since scripts that start it share the prefix for their
   * own variables (the database a script sets up, the Java it runs): it is returned, for a warning.
   *
   * @param alsoAllowed properties and variables that are not settings but are read elsewhere
   * @return the environment variables that look like settings and are not, in name order
   */
  List<String> rejectUnknown(Set<String> alsoAllowed) {
    checkNested(null, settings);
    Set<String> known = new HashSet<>(alsoAllowed);
    for (String key : read) {
      known.add(SYS_PREFIX + key);
      known.add(envName(key));
    }
    List<String> ignored = new ArrayList<>();
    for (Map.Entry<String, Object> e : overrides) {
      String k = e.getKey();
      if (k.startsWith(SYS_PREFIX) && !known.contains(k)) {
        throw new ConfigException(k + ": not a Chatbus setting");
      }
      if (k.startsWith(ENV_PREFIX) && !known.contains(k)) {
        ignored.add(k);
      }
    }
    ignored.sort(null);
    return ignored;
  }

  private void checkNested(String path, JsonObject o) {
    for (Map.Entry<String, Object> e : o) {
      String key = path == null ? e.getKey() : path + "." + e.getKey();
      if (e.getKey().contains(".")) {
        throw new ConfigException(key + ": not a Chatbus setting (in JSON, write it as nested objects)");
      } else if (e.getValue() instanceof JsonObject) {
        checkNested(key, (JsonObject) e.getValue());
      } else if (!read.contains(key)) {
        throw new ConfigException(key + ": not a Chatbus setting");
      }
    }
  }

  private long number(String key, long def) {
    Object v = raw(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      if (d != Math.rint(d)) {
        throw new ConfigException(key + ": expected a whole number, got " + v);
      }
      return ((Number) v).longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": expected a whole number, got '" + v + "'");
    }
  }

  private Object raw(String key) {
    read.add(key);
    Object v = overrides.getValue(SYS_PREFIX + key);
    if (v == null) {
      v = overrides.getValue(envName(key));
    }
    if (v == null) {
      v = nested(key);
    }
    return v;
  }

  private Object nested(String key) {
    String[] parts = key.split("\\.");
    JsonObject o = settings;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = o.getValue(parts[i]);
      if (!(next instanceof JsonObject)) {
        return null;
      }
      o = (JsonObject) next;
    }
    return o.getValue(parts[parts.length - 1]);
  }
}
