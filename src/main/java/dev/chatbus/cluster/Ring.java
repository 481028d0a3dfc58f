package dev.chatbus.cluster;

import java.util.Arrays;

/**
 * The nodes whose routers number rooms, and which of them owns each room: the one whose hash with the
 * room's name is highest (rendezvous hashing). Every node that sees the same nodes picks the same owner,
 * and a node joining or leaving moves only the rooms it gains or held, about one room in n. Immutable.
 */
public final class Ring {

  private final String[] nodes;
  private final long[] seeds;

  private Ring(String[] nodes) {
    this.nodes = nodes;
    this.seeds = new long[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      seeds[i] = mix(nodes[i].hashCode() * 0x9E3779B97F4A7C15L);
    }
  }

  /** A ring of the one node {@code node}. */
  public static Ring of(String node) {
    return new Ring(new String[]{node});
  }

  /** This ring with {@code node} added. */
  public Ring with(String node) {
    if (contains(node)) {
      return this;
    }
    String[] more = Arrays.copyOf(nodes, nodes.length + 1);
    more[nodes.length] = node;
    Arrays.sort(more);
    return new Ring(more);
  }

  /** This ring without {@code node}. */
  public Ring without(String node) {
    return contains(node) ? new Ring(Arrays.stream(nodes).filter(n -> !n.equals(node)).toArray(String[]::new)) : this;
  }

  public boolean contains(String node) {
    return Arrays.binarySearch(nodes, node) >= 0;
  }

  /** The nodes, by name. */
  public String[] nodes() {
    return nodes.clone();
  }

  public int size() {
    return nodes.length;
  }

  /** The node that numbers {@code room}'s events. */
  public String owner(String room) {
    if (nodes.length == 1) {
      return nodes[0];
    }
    long h = room.hashCode();
    int best = 0;
    long bestScore = Long.MIN_VALUE;
    for (int i = 0; i < nodes.length; i++) {
      long score = mix(seeds[i] ^ h);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return nodes[best];
  }

  /** A 64-bit finalizer (from MurmurHash3): every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  @Override
  public String toString() {
    return String.join(", ", nodes);
  }
}
