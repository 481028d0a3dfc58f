package dev.chatbus.edge;

/**
 * What the edge instances of one node share, each on its own event loop: the node's connection counts,
 * the tag in its session ids, and whether it is shutting down.
 */
public final class EdgeNode {

  private final ConnectionLimits limits;
  private final int tag;
  private volatile boolean stopping;

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
   * Marks the start of a shutdown: from now on the departures the shutdown itself causes are not echoed
   * to this node's clients, who are all about to be told goodbye as well. Without this, every client
   * would be sent the departure of every other before its own goodbye.
   */
  public void shuttingDown() {
    stopping = true;
  }

  boolean stopping() {
    return stopping;
  }
}
