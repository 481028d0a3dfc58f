package dev.chatbus.edge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the edge instances of one node share, each on its own event loop: the node's connection counts,
 * the tag in its session ids, and the moment it began shutting down.
 */
public final class EdgeNode {

  private final ConnectionLimits limits;
  private final int tag;
  private final AtomicLong shutdownSince = new AtomicLong(Long.MAX_VALUE);

  /**
   * @param tag 16 bits that tell this node's session ids from other nodes'
   */
  public EdgeNode(ConnectionLimits limits, int tag) {
    this.limits = limits;
    this.tag = tag;
  }

  ConnectionLimits limits() {
    return limits;
  }

  int tag() {
    return tag;
  }

  /**
   * Marks the start of a shutdown: events the router accepts from now on are not delivered live here.
   * Everything accepted before still reaches its clients ahead of their goodbye, while the departures the
   * shutdown itself causes are not echoed to clients that are about to be told goodbye as well.
   */
  public void shuttingDown(long epochMillis) {
    shutdownSince.compareAndSet(Long.MAX_VALUE, epochMillis);
  }

  /** Whether an event the router accepted at {@code epochMillis} is still delivered live. */
  boolean live(long epochMillis) {
    return epochMillis <= shutdownSince.get();
  }
}
