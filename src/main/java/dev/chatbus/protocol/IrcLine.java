package dev.chatbus.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One IRC message as a client sends it (Modern IRC, "Message format"): optional tags, an optional
 * source (ignored from clients), a command and its parameters, the last of which may hold spaces when
 * it follows a colon.
 *
 * @param tags    the message tags, unescaped; empty when there are none
 * @param command the command in upper case, or a three-digit numeric
 * @param params  the parameters, the trailing one included
 * @param bodyBytes the bytes of the line without its tags, which IRC bounds at 510
 * @param tagBytes  the bytes of its tags, with the {@code @} and the spaces after them, which IRCv3 bounds at
 *                  4096 from a client
 */
public record IrcLine(Map<String, String> tags, String command, List<String> params, int bodyBytes, int tagBytes) {

  /** The most bytes of a line after its tags, without its CR LF. */
  public static final int MAX_BODY_BYTES = 510;
  /** The most bytes of a whole line, its tags included, without its CR LF. */
  public static final int MAX_LINE_BYTES = 8191 - 2;
  /** The most bytes of a client's tags, with the {@code @} and the space after them. */
  public static final int MAX_CLIENT_TAG_BYTES = 4096;

  public IrcLine {
    tags = Collections.unmodifiableMap(tags);
    params = List.copyOf(params);
  }

  /** Parses {@code line} (without its line ending); null when it holds no command. */
  public static IrcLine parse(String line) {
    int i = 0;
    int n = line.length();
    Map<String, String> tags = Map.of();
    if (i < n && line.charAt(i) == '@') {
      int end = line.indexOf(' ', i);
      if (end < 0) {
        return null;
      }
      tags = tags(line.substring(1, end));
      i = skipSpaces(line, end);
    }
    int bodyStart = i;
    if (i < n && line.charAt(i) == ':') {
      int end = line.indexOf(' ', i);
      if (end < 0) {
        return null;
      }
      i = skipSpaces(line, end);
    }
    int end = line.indexOf(' ', i);
    if (end < 0) {
      end = n;
    }
    if (i >= end) {
      return null;
    }
    String command = line.substring(i, end).toUpperCase(Locale.ROOT);
    List<String> params = new ArrayList<>(4);
    i = skipSpaces(line, end);
    while (i < n) {
      if (line.charAt(i) == ':') {
        params.add(line.substring(i + 1));
        break;
      }
      end = line.indexOf(' ', i);
      if (end < 0) {
        end = n;
      }
      params.add(line.substring(i, end));
      i = skipSpaces(line, end);
    }
    return new IrcLine(tags, command, params, utf8Length(line, bodyStart, n), utf8Length(line, 0, bodyStart));
  }

  /** The {@code i}th parameter, or null. */
  public String param(int i) {
    return i < params.size() ? params.get(i) : null;
  }

  /** The number of parameters. */
  public int size() {
    return params.size();
  }

  private static int skipSpaces(String line, int i) {
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static Map<String, String> tags(String raw) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String tag : raw.split(";")) {
      if (tag.isEmpty()) {
        continue;
      }
      int eq = tag.indexOf('=');
      tags.put(eq < 0 ? tag : tag.substring(0, eq), eq < 0 ? "" : unescape(tag.substring(eq + 1)));
    }
    return tags;
  }

  /** A tag value as IRCv3 escapes it: {@code \:} is ';', {@code \s} a space, {@code \\}, {@code \r}, {@code \n}. */
  static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\\') {
        sb.append(c);
      } else if (i + 1 < value.length()) {
        char e = value.charAt(++i);
        switch (e) {
          case ':' -> sb.append(';');
          case 's' -> sb.append(' ');
          case 'r' -> sb.append('\r');
          case 'n' -> sb.append('\n');
          default -> sb.append(e);
        }
      }
    }
    return sb.toString();
  }

  /** {@code value} escaped for a tag. */
  static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case ';' -> sb.append("\\:");
        case ' ' -> sb.append("\\s");
        case '\\' -> sb.append("\\\\");
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The UTF-8 length of {@code s} from {@code from} to {@code to}, without encoding it. */
  static int utf8Length(String s, int from, int to) {
    int bytes = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The UTF-8 length of {@code s}. */
  static int utf8Length(String s) {
    return utf8Length(s, 0, s.length());
  }
}
