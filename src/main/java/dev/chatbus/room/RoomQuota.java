package dev.chatbus.room;

/**
 * How many rooms no one was in the clients of one address may still enter: {@code perMinute} at once,
 * refilled at {@code perMinute} a minute. Refilled when asked, so it costs no timer. Times are milliseconds.
 */
final class RoomQuota {

  private final double perMilli;
  private final double most;
  private double left;
  private long refilledAt;

  RoomQuota(int perMinute, long now) {
    this.perMilli = perMinute / 60_000.0;
    this.most = perMinute;
    this.left = perMinute;
    this.refilledAt = now;
  }

  /** Whether the quota has filled up again by {@code now}: then it need not be kept. */
  boolean full(long now) {
    return left + (now - refilledAt) * perMilli >= most;
  }

  /** Counts one more room; false, counting nothing, if the address has brought up too many lately. */
  boolean tryTake(long now) {
    left = Math.min(most, left + (now - refilledAt) * perMilli);
    refilledAt = now;
    if (left < 1) {
      return false;
    }
    left -= 1;
    return true;
  }
}
