package dev.chatbus.protocol;

import java.text.Normalizer;

/**
 * The rules for user names and room names, shared by every protocol and by the router.
 * <p>
 * User names are 1–32 ASCII letters, digits or {@code _-[]\^{}|}, not starting with a digit or
 * {@code -}, and unique ignoring ASCII case. Room names are 1–63 bytes of UTF-8 without spaces, commas,
 * control characters or invisible formatting characters; a leading {@code #} is optional on input, and
 * rooms are compared ignoring ASCII case, as names are. These are the rules IRC clients are told of
 * (ISUPPORT {@code CASEMAPPING=ascii}, {@code NICKLEN}, {@code CHANNELLEN}, the {@code #} counted).
 */
public final class Names {

  public static final int MAX_NAME_LENGTH = 32;
  /** The most bytes of a room's name, in UTF-8, with its {@code #}: IRC's {@code CHANNELLEN}. */
  public static final int MAX_CHANNEL_BYTES = 64;
  /** The most bytes of a topic, in UTF-8: IRC's {@code TOPICLEN}. */
  public static final int MAX_TOPIC_BYTES = 390;
  /** The most bytes of a room's name, in UTF-8, without its {@code #}. */
  public static final int MAX_ROOM_BYTES = MAX_CHANNEL_BYTES - 1;

  private static final String NAME_SPECIALS = "_-[]\\^{}|";

  private Names() {
  }

  /** Why {@code name} is not a valid user name, or null if it is. */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "a name needs at least one character";
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return "a name has at most " + MAX_NAME_LENGTH + " characters";
    }
    char first = name.charAt(0);
    if (isDigit(first) || first == '-') {
      return "a name cannot start with a digit or '-'";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLetter(c) && !isDigit(c) && NAME_SPECIALS.indexOf(c) < 0) {
        return "a name may only hold letters, digits and _-[]\\^{}|";
      }
    }
    return null;
  }

  /** The key under which {@code name} is unique: its ASCII lower case. */
  public static String nameKey(String name) {
    return asciiLowerCase(name);
  }

  /**
   * {@code text} as a room's topic: cleaned as anything said is ({@link Text#clean}), without the blanks
   * around it, and cut (between characters) to {@link #MAX_TOPIC_BYTES}.
   */
  public static String topic(String text) {
    String t = Text.clean(text).strip();
    return IrcLine.utf8Length(t) <= MAX_TOPIC_BYTES ? t : t.substring(0, IrcEvents.cut(t, 0, MAX_TOPIC_BYTES, false));
  }

  /** Why {@code input} is not a valid room name, or null if it is. */
  public static String roomProblem(String input) {
    String room = stripHash(input);
    if (room == null || room.isEmpty()) {
      return "a room name needs at least one character";
    }
    if (IrcLine.utf8Length(room) > MAX_ROOM_BYTES) {
      return "a room name has at most " + MAX_ROOM_BYTES + " bytes in UTF-8 (as many letters of the English alphabet)";
    }
    for (int i = 0; i < room.length(); i++) {
      char c = room.charAt(i);
      if (c == ',' || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return "a room name cannot hold spaces, commas or control characters";
      }
    }
    for (int i = 0; i < room.length(); ) {
      int cp = room.codePointAt(i);
      // Invisible characters (zero-width spaces, joiners, direction marks and overrides, fillers, variation
      // selectors) would let two rooms look the same, or a name show something else than it is.
      if (isInvisible(cp)) {
        return "a room name cannot hold invisible formatting characters such as U+" + hex(cp);
      }
      if (Character.getType(cp) == Character.SURROGATE) {
        return "a room name cannot hold half of a surrogate pair (U+" + hex(cp) + ")";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /**
   * The normalized form of a valid room name ({@code "#Rust"} becomes {@code "rust"}: ASCII letters in lower
   * case, and accents written as separate marks composed, NFC, so that a name that looks the same is the
   * same); null if it is not valid.
   */
  public static String room(String input) {
    return roomProblem(input) == null ? asciiLowerCase(stripHash(input)) : null;
  }

  /** {@code s} with the ASCII letters A to Z in lower case, and nothing else changed. */
  static String asciiLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (chars[j] >= 'A' && chars[j] <= 'Z') {
            chars[j] = (char) (chars[j] + ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return s;
  }

  /**
   * A character that shows nothing: Unicode's format characters (zero-width spaces and joiners, direction
   * marks, overrides and isolates) and the other default-ignorable ones (fillers, variation selectors, the
   * combining grapheme joiner, tag characters), and the blank braille pattern.
   */
  private static boolean isInvisible(int cp) {
    return Character.getType(cp) == Character.FORMAT
      || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F)
      || cp == 0x2800 || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFFA0
      || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }

  private static String hex(int codePoint) {
    return String.format("%04X", codePoint);
  }

  /** The name without its optional {@code #}, in Unicode's composed form (NFC). */
  private static String stripHash(String input) {
    String name = input != null && input.startsWith("#") ? input.substring(1) : input;
    return name == null || Normalizer.isNormalized(name, Normalizer.Form.NFC) ? name
      : Normalizer.normalize(name, Normalizer.Form.NFC);
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
