package dev.chatbus.account;

import dev.chatbus.protocol.Names;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses and names banned from the whole network by a server operator, with why: held by each node
 * (loaded from the store when it starts, changed as operators ban and unban anywhere in the cluster), so a
 * connection from a banned address, or a login under a banned name, is refused without asking anyone. A
 * name is kept as {@code name:} and its key. Thread-safe: the edges, the router and the accounts workers
 * share one.
 */
public final class ServerBans {

  private final Map<String, String> reasons = new ConcurrentHashMap<>();

  /** {@code address} written as every node writes it, or null when it is not an IP address. */
  public static String normal(String address) {
    InetAddress parsed = address == null ? null : NetUtil.createInetAddressFromIpAddressString(address.strip());
    return parsed == null ? null : parsed.getHostAddress();
  }

  /** What a ban of the user name {@code name} is kept as. */
  public static String nameEntry(String name) {
    return "name:" + Names.nameKey(name);
  }

  public boolean banned(InetAddress address) {
    return !reasons.isEmpty() && reasons.containsKey(address.getHostAddress());
  }

  /** Why {@code name} is banned, or null when it is not. */
  public String nameBanned(String name) {
    return reasons.isEmpty() ? null : reasons.get(nameEntry(name));
  }

  /** Bans {@code address} (normal, or a {@link #nameEntry}) for {@code reason}, or, with a null reason, lifts its ban. */
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
