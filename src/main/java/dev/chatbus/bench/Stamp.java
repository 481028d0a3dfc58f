package dev.chatbus.bench;

import java.nio.charset.StandardCharsets;

/**
 * The stamp that starts every benchmark message, {@code ~~b SENDER SEQ NANOS} and padding: written into a
 * message's payload when it is sent, and read back from the line it arrives in, without allocating.
 */
final class Stamp {

  /** The marker that starts the stamp. */
  static final byte[] MARK = "~~b ".getBytes(StandardCharsets.US_ASCII);

  /** Of the last stamp read: who sent it, its number in that sender's messages, and when (nanoTime). */
  int sender;
  long seq;
  long sentAt;
  private int pos;

  /** Reads the numbers of a stamp, which start at {@code start} in {@code buf} (just after the mark). */
  void read(byte[] buf, int start, int end) {
    pos = start;
    sender = (int) number(buf, end);
    seq = number(buf, end);
    sentAt = number(buf, end);
  }

  /** The decimal number at {@link #pos}, which moves past it and the space after it. */
  private long number(byte[] buf, int end) {
    long v = 0;
    int p = pos;
    while (p < end && buf[p] != ' ') {
      v = v * 10 + (buf[p] - '0');
      p++;
    }
    pos = p + 1;
    return v;
  }

  /** Where the first mark in {@code buf} between {@code start} and {@code end} begins, or -1. */
  static int indexOf(byte[] buf, int start, int end) {
    for (int i = start; i + MARK.length <= end; i++) {
      if (buf[i] == '~' && buf[i + 1] == '~' && buf[i + 2] == 'b' && buf[i + 3] == ' ') {
        return i;
      }
    }
    return -1;
  }

  /** Writes a stamp, padded with {@code x} up to {@code size} bytes, into {@code to}; returns its length. */
  static int write(byte[] to, int size, int sender, long seq, long nanos) {
    int p = 0;
    for (byte b : MARK) {
      to[p++] = b;
    }
    p = digits(to, sender, p);
    to[p++] = ' ';
    p = digits(to, seq, p);
    to[p++] = ' ';
    p = digits(to, nanos, p);
    to[p++] = ' ';
    while (p < size) {
      to[p++] = 'x';
    }
    return p;
  }

  private static int digits(byte[] to, long v, int p) {
    int n = 1;
    for (long x = v; x >= 10; x /= 10) {
      n++;
    }
    for (int i = p + n - 1; i >= p; i--) {
      to[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return p + n;
  }
}
