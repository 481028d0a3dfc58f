package dev.chatbus.edge;

import dev.chatbus.config.ChatbusConfig;

/**
 * A per-connection token bucket: {@code burst} lines at once, refilled at {@code linesPerSecond}.
 * Refilled lazily when a line arrives, so it costs no timer. Times are {@link System#nanoTime()} values.
 */
final class TokenBucket {

  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private long refilledAt;
  private boolean over;
  private long overSince;

  TokenBucket(ChatbusConfig.Rate rate, long now) {
    this.tokensPerNano = rate.linesPerSecond() / 1e9;
    this.burst = rate.burst();
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes a token for one line; false if the bucket is empty and the line must be dropped. */
  boolean tryTake(long now) {
    tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      over = false;
      return true;
    }
    if (!over) {
      over = true;
      overSince = now;
    }
    return false;
  }

  /** True from the first dropped line until a line is accepted again. */
  boolean isOver() {
    return over;
  }

  /** How long the client has been over the limit without a break; 0 when it is not over. */
  long overFor(long now) {
    return over ? now - overSince : 0;
  }
}
