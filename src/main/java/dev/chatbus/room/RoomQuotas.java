package dev.chatbus.room;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import dev.chatbus.config.Spared;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many rooms no one was in the clients of each remote address may still bring up: {@code perMinute} at
 * once, refilled at {@code perMinute} a minute. A room no one is in costs its owner memory (until it is set
 * aside) and the store a row for good, so the router asks here first. Kept by address, so that
 * reconnecting does not start afresh; addresses the per-address limits spare are not counted. Refilled when
 * asked, so it costs no timer; a quota that filled up again is forgotten. Touched only on the router's
 * context.
 */
final class RoomQuotas {

  /** One address's quota. Times are milliseconds. */
  private static final class Quota {
    double left;
    long refilledAt;

    Quota(int perMinute, long now) {
      left = perMinute;
      refilledAt = now;
    }
  }

  private final int perMinute;
  private final double perMilli;
  private final Spared spared;
  private final Map<String, Quota> byAddress = new HashMap<>();

  RoomQuotas(int perMinute, Spared spared) {
    this.perMinute = perMinute;
    this.perMilli = perMinute / 60_000.0;
    this.spared = spared;
  }

  /**
   * Counts one more room brought up by a client connected from {@code ip} (its {@link
   * dev.chatbus.bus.Member#address}).
   *
   * @throws Refusal when its clients have brought up too many lately
   */
  void take(String ip, long now) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
    if (address == null || spared.spares(address)) {
      return;
    }
    Quota q = byAddress.computeIfAbsent(ip, a -> new Quota(perMinute, now));
    refill(q, now);
    if (q.left < 1) {
      throw new Refusal(ErrorCode.RATE_LIMITED, "you are opening new rooms too fast (at most " + perMinute
        + " a minute from your address); try again in a while");
    }
    q.left -= 1;
  }

  /** Forgets the quotas that have filled up again by {@code now}. */
  void forgetFull(long now) {
    byAddress.values().removeIf(q -> q.left + (now - q.refilledAt) * perMilli >= perMinute);
  }

  private void refill(Quota q, long now) {
    q.left = Math.min(perMinute, q.left + (now - q.refilledAt) * perMilli);
    q.refilledAt = now;
  }
}
