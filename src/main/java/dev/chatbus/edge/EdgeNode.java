package dev.chatbus.edge;

import io.vertx.core.Future;

import java.util.function.Function;

/**
 * What the edge instances of one node share, each on its own event loop: the node's connection counts,
 * the tag in its session ids, the port they listen on, and whether the node is shutting down.
 */
public final class EdgeNode {

  private final ConnectionLimits limits;
  private final int tag;
  private volatile boolean stopping;
  /** The port the first instance was given, when the configured port is 0. */
  private Future<Integer> sharedPort;

  /**
   * @param tag 16 bits that tell this node's session ids from other nodes'
   */
  public EdgeNode(ConnectionLimits limits, int tag) {
    this.limits = limits;
    this.tag = tag;
  }

  /**
   * Binds one instance with {@code bind}: to the configured port, or, when that is 0, the first instance to
   * a free port and every other instance to that same port.
   */
  synchronized Future<Integer> listen(int configured, Function<Integer, Future<Integer>> bind) {
    if (configured != 0) {
      return bind.apply(configured);
    }
    if (sharedPort == null) {
      sharedPort = bind.apply(0);
      return sharedPort;
    }
    return sharedPort.compose(bind);
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
