package dev.chatbus.edge;

import dev.chatbus.config.Spared;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-connection counts of one port, in all and per remote address: those of the client port are shared
 * by the node's edge instances (each on its own event loop), so it only uses lock-free counters.
 */
public final class ConnectionLimits {

  private final int maxConnections;
  private final int maxPerAddress;
  private final Spared spared;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  /**
   * @param spared the addresses the per-address limit does not apply to
   */
  public ConnectionLimits(int maxConnections, int maxPerAddress, Spared spared) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.spared = spared;
  }

  /** Counts a new connection from {@code address}; false if it would exceed a limit (and nothing was counted). */
  public boolean tryAcquire(InetAddress address) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return false;
    }
    if (spared.spares(address)) {
      return true;
    }
    boolean[] admitted = {false};
    perAddress.compute(address, (a, n) -> {
      int count = n == null ? 0 : n;
      if (count >= maxPerAddress) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
    }
    return admitted[0];
  }

  /** Forgets a connection counted by {@link #tryAcquire}. */
  public void release(InetAddress address) {
    open.decrementAndGet();
    if (!spared.spares(address)) {
      perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
  }
}
