package dev.chatbus.room;

/**
 * Unique, time-ordered ids for messages and room events: 42 bits of milliseconds since 2025-01-01,
 * 10 bits of node tag, 12 bits of counter, written in decimal. Up to 4096 ids per millisecond; past
 * that the clock is borrowed from, so ids never repeat and never go backwards, even if the wall clock does.
 */
final class MessageIds {

  static final long EPOCH = 1_735_689_600_000L;

  private final long node;
  private long lastMillis;
  private long counter;

  MessageIds(int nodeTag) {
    this.node = nodeTag & 0x3ff;
  }

  /** When {@code id} was given out (epoch ms, by the clock of the node that gave it), or 0 if it is not one. */
  static long millis(String id) {
    try {
      return (Long.parseLong(id) >>> 22) + EPOCH;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  String next(long nowMillis) {
    long ms = Math.max(nowMillis - EPOCH, lastMillis);
    if (ms == lastMillis) {
      counter = (counter + 1) & 0xfff;
      if (counter == 0) {
        ms++;
      }
    } else {
      counter = 0;
    }
    lastMillis = ms;
    return Long.toString((ms << 22) | (node << 12) | counter);
  }
}
