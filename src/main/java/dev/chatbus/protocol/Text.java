package dev.chatbus.protocol;

/** Cleaning of user-supplied text before it reaches anyone else. */
public final class Text {

  private Text() {
  }

  /**
   * {@code text} without control characters other than TAB (C0, DEL and C1), so that no client can move
   * another's cursor, ring its bell or forge a line, and without the bidirectional overrides, embeddings
   * and isolates (U+202A to U+202E, U+2066 to U+2069), so that no one can make the rest of another's line
   * read backwards. Returns the same instance when there is nothing to drop.
   */
  public static String clean(String text) {
    int i = 0;
    int n = text.length();
    while (i < n && !isDropped(text.charAt(i))) {
      i++;
    }
    if (i == n) {
      return text;
    }
    StringBuilder sb = new StringBuilder(n);
    sb.append(text, 0, i);
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (!isDropped(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isDropped(char c) {
    return (c != '\t' && Character.isISOControl(c)) || isBidiControl(c);
  }

  /** A character that changes the direction of the text after it, up to the end of the line. */
  static boolean isBidiControl(char c) {
    return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }
}
