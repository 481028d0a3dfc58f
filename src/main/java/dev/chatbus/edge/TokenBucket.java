package dev.chatbus.edge;

import dev.chatbus.config.ChatbusConfig;

/**
 * A per-connection token bucket: {@code burst} lines at once, refilled at {@code linesPerSecond}.
 * Refilled lazily when a line arrives, so it costs no timer. Times are {@link System#nanoTime()} values.
 * <p>
 * A client is <em>over the limit</em> from its first dropped line until a whole {@link #EPISODE_GAP}
 * passes without a drop. Lines that get through while it floods (one per refill) do not end that: a
 * client that keeps sending faster than the rate stays over the limit, however the tokens trickle in.
 */
final class TokenBucket {

  /** A second without a dropped line ends an episode of being over the limit. */
  static final long EPISODE_GAP = 1_000_000_000L;

  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private long refilledAt;
  private long lastDrop;
  private long overSince;
  private boolean newEpisode;

  TokenBucket(ChatbusConfig.Rate rate, long now) {
    this.tokensPerNano = rate.linesPerSecond() / 1e9;
    this.burst = rate.burst();
    this.tokens = burst;
    this.refilledAt = now;
    this.lastDrop = now - 2 * EPISODE_GAP;
  }

  /** Takes a token for one line; false if the bucket is empty and the line must be dropped. */
  boolean tryTake(long now) {
    tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    newEpisode = now - lastDrop >= EPISODE_GAP;
    if (newEpisode) {
      overSince = now;
    }
    lastDrop = now;
    return false;
  }

  /** True if the line just dropped began an episode of being over the limit. */
  boolean startedEpisode() {
    return newEpisode;
  }

  /** How long the client has been over the limit, as of the line just dropped. */
  long overFor(long now) {
    return now - overSince;
  }
}
