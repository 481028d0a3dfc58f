package dev.chatbus.protocol;

/** Cleaning of user-supplied text before it reaches anyone else. */
public final class Text {

  private Text() {
  }

  /**
   * {@code text} without control characters other than TAB (C0, DEL and C1), so that no client can move
   * another's cursor, ring its bell or forge a line. Returns the same instance when there is nothing to drop.
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
    return c != '\t' && Character.isISOControl(c);
  }
}
