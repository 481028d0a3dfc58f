package dev.chatbus.edge;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;

import java.util.ArrayList;

/**
 * Flushes every connection written to during one event-loop turn, once, at the end of that turn.
 * <p>
 * This is what makes fan-out fast: a delivery to a thousand clients queues a thousand writes and costs
 * one system call per client per turn, not one per write. Owned by one edge instance, touched only on
 * its event loop.
 */
final class FlushBatcher implements Runnable {

  private final EventLoop loop;
  private final ArrayList<ClientQueue> dirty = new ArrayList<>();
  private boolean scheduled;

  FlushBatcher(EventLoop loop) {
    this.loop = loop;
  }

  /** Flushes {@code connection} at the end of this turn; the caller makes sure each is added once per turn. */
  void add(ClientQueue connection) {
    dirty.add(connection);
    if (!scheduled) {
      scheduled = true;
      if (loop instanceof SingleThreadEventLoop) {
        ((SingleThreadEventLoop) loop).executeAfterEventLoopIteration(this);
      } else {
        loop.execute(this);
      }
    }
  }

  @Override
  public void run() {
    scheduled = false;
    // A flush can close a connection whose handlers write to others: keep reading the size.
    for (int i = 0; i < dirty.size(); i++) {
      dirty.get(i).flush();
    }
    dirty.clear();
  }
}
