package dev.chatbus.account;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses banned from the whole network by a server operator, with why: held by each node (loaded
 * from the store when it starts, changed as operators ban and unban anywhere in the cluster), so a
 * connection is refused without asking anyone. Thread-safe: the edges, the router and the accounts workers
 * share one.
 */
public final class ServerBans {

  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  /** {@code address} written as every node writes it, or null when it is not an IP address. */
  public static String normal(String address) {
    InetAddress parsed = address == null ? null : NetUtil.createInetAddressFromIpAddressString(address.strip());
    return parsed == null ? null : parsed.getHostAddress();
  }

  public boolean banned(InetAddress address) {
    return !reasons.isEmpty() && reasons.containsKey(address.getHostAddress());
  }

  /** Bans {@code address} (normal) for {@code reason}, or, with a null reason, lifts its ban. */
  public void set(String address, String reason) {
    if (reason == null) {
      reasons.remove(address);
    } else {
      reasons.put(address, reason);
    }
  }

  void load(Map<String, String> loaded) {
    reasons.putAll(loaded);
  }
}
