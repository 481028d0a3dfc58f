package dev.chatbus.protocol;

import java.util.Locale;

/**
 * IRC's masks, {@code nick!user@host} with {@code *} (any run of characters) and {@code ?} (any one), as
 * bans name whom they keep out; compared ignoring ASCII case, as names are.
 */
public final class Masks {

  private Masks() {
  }

  /**
   * {@code given} as a whole mask, in lower case: a name alone is {@code name!*@*}, {@code user@host} is
   * {@code *!user@host}, {@code nick!user} is {@code nick!user@*}.
   */
  public static String normalize(String given) {
    String m = given.toLowerCase(Locale.ROOT);
    boolean bang = m.indexOf('!') >= 0;
    boolean at = m.indexOf('@') >= 0;
    if (!bang && !at) {
      return m + "!*@*";
    }
    if (!bang) {
      return "*!" + m;
    }
    return at ? m : m + "@*";
  }

  /** Whether {@code mask} (normalized) matches {@code who} ({@code nick!user@host}, in lower case). */
  public static boolean matches(String mask, String who) {
    int m = 0;
    int w = 0;
    int star = -1;
    int resume = 0;
    while (w < who.length()) {
      if (m < mask.length() && (mask.charAt(m) == '?' || mask.charAt(m) == who.charAt(w))) {
        m++;
        w++;
      } else if (m < mask.length() && mask.charAt(m) == '*') {
        star = m++;
        resume = w;
      } else if (star >= 0) {
        m = star + 1;
        w = ++resume;
      } else {
        return false;
      }
    }
    while (m < mask.length() && mask.charAt(m) == '*') {
      m++;
    }
    return m == mask.length();
  }
}
