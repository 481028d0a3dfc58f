package dev.chatbus.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that sends, and what became of its messages. A message is complete once every other member of
 * its room has received it; completion opens the sender's window. Each loop counts its own receivers'
 * receipts and reports here once all of them have a message, so the threads share one atomic increment
 * per message and loop, not per delivery.
 */
final class Sender {

  final int index;
  final Client client;
  final String roomName;
  final byte[] room;
  /** How many loops have receivers of its messages. */
  final int expected;
  /** Loops that have reported a message not yet complete, by sequence number modulo its length. */
  private final AtomicIntegerArray receipts;
  private final AtomicLong completed = new AtomicLong();
  /** Sent so far; written only by the sender's own loop thread. */
  volatile long sent;
  /** True while the sender waits for its window to open; its loop is woken when it does. */
  volatile boolean parked;

  Sender(int index, Client client, String room, int expected, int slots) {
    this.index = index;
    this.client = client;
    this.roomName = room;
    this.room = room.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    this.expected = expected;
    this.receipts = new AtomicIntegerArray(slots);
  }

  /** Messages sent and not yet received by everyone. */
  long outstanding() {
    return sent - completed.get();
  }

  /** The most messages that may be outstanding before a sender must wait, whatever its window. */
  int capacity() {
    return receipts.length();
  }

  /**
   * Every receiver of one loop got message {@code seq}. Every receiver gets a sender's messages in order,
   * so messages complete in order too.
   */
  void received(long seq) {
    int slot = (int) (seq % receipts.length());
    if (receipts.incrementAndGet(slot) == expected) {
      receipts.set(slot, 0);
      completed.incrementAndGet();
      if (parked) {
        parked = false;
        client.loop.wake();
      }
    }
  }
}
