package dev.chatbus.account;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The failed logins of each name and each address within the current window: past the limit, no password
 * is tried for the name (or from the address) until the window that counted them has passed, so a guesser
 * gets a handful of tries per window whatever its speed. Counted on this node only: a cluster of n nodes
 * lets a guesser who spreads out n times as many. Thread-safe: the accounts workers share one.
 */
public final class LoginFailures {

  private final int perName;
  private final int perAddress;
  private final long windowMillis;
  /** Per name key and per address ({@code @}-prefixed): failures and when their window started. */
  private final Map<String, long[]> counts = new ConcurrentHashMap<>();

  public LoginFailures(int perName, int perAddress, Duration window) {
    this.perName = perName;
    this.perAddress = perAddress;
    this.windowMillis = window.toMillis();
  }

  /** How many milliseconds until a login for {@code key} from {@code address} may be tried; 0 if now. */
  public long wait(String key, String address, long now) {
    return Math.max(wait(key, perName, now), address == null ? 0 : wait("@" + address, perAddress, now));
  }

  private long wait(String key, int limit, long now) {
    long[] c = counts.get(key);
    if (c == null) {
      return 0;
    }
    synchronized (c) {
      long left = c[1] + windowMillis - now;
      return c[0] >= limit && left > 0 ? left : 0;
    }
  }

  /**
   * Counts a failed login for {@code key} from {@code address} (null when the address is spared); true if it
   * was the one that reached a limit.
   */
  public boolean failed(String key, String address, long now) {
    boolean reached = count(key, perName, now);
    return (address != null && count("@" + address, perAddress, now)) || reached;
  }

  private boolean count(String key, int limit, long now) {
    long[] c = counts.computeIfAbsent(key, k -> new long[]{0, now});
    synchronized (c) {
      if (now - c[1] >= windowMillis) {
        c[0] = 0;
        c[1] = now;
      }
      return ++c[0] == limit;
    }
  }

  /** A login for {@code key} succeeded: its failures are forgiven (the address's are not). */
  public void succeeded(String key) {
    counts.remove(key);
  }

  /** Forgets the windows that have passed, so the map holds only recent failures. */
  public void forgetOld(long now) {
    counts.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return now - e.getValue()[1] >= windowMillis;
      }
    });
  }
}
