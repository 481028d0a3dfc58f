package dev.chatbus.http;

import dev.chatbus.config.Spared;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many REST reads each remote address may still make: {@code burst} at once, refilled at
 * {@code perSecond}; addresses exempt from the per-address limits read without one. Used on the HTTP
 * verticle's event loop only. An address's bucket is forgotten once it would be full again.
 */
final class ReadRate {

  private static final class Bucket {
    double tokens;
    long refilledAt;
  }

  private final double perMilli;
  private final int burst;
  private final Spared spared;
  private final Map<InetAddress, Bucket> buckets = new HashMap<>();

  ReadRate(double perSecond, int burst, Spared spared) {
    this.perMilli = perSecond / 1000;
    this.burst = burst;
    this.spared = spared;
  }

  /** Counts one read from {@code address}; false if it is over its rate and the read is refused. */
  boolean tryTake(InetAddress address, long now) {
    if (spared.spares(address)) {
      return true;
    }
    Bucket b = buckets.computeIfAbsent(address, a -> {
      Bucket fresh = new Bucket();
      fresh.tokens = burst;
      fresh.refilledAt = now;
      return fresh;
    });
    b.tokens = Math.min(burst, b.tokens + (now - b.refilledAt) * perMilli);
    b.refilledAt = now;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  /** Forgets the addresses whose buckets have filled up again since they last read. */
  void forgetIdle(long now) {
    buckets.values().removeIf(b -> b.tokens + (now - b.refilledAt) * perMilli >= burst);
  }
}
