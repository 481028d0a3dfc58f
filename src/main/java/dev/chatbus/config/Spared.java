package dev.chatbus.config;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * The remote addresses the per-address limits spare ({@code limits.loopbackExempt},
 * {@code limits.perIpExempt}): those of the client port, the HTTP port, the bridge, and the new-room quota.
 * Immutable; safe to share between event loops.
 */
public final class Spared {

  private final boolean loopback;
  private final Set<InetAddress> addresses;

  Spared(boolean loopback, Set<String> ips) {
    this.loopback = loopback;
    Set<InetAddress> parsed = new HashSet<>();
    for (String ip : ips) {
      InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
      if (address == null) {
        throw new IllegalArgumentException("not an IP address: " + ip);
      }
      parsed.add(address);
    }
    this.addresses = Set.copyOf(parsed);
  }

  /** Whether the per-address limits do not apply to {@code address}. */
  public boolean spares(InetAddress address) {
    return (loopback && address.isLoopbackAddress()) || addresses.contains(address);
  }
}
