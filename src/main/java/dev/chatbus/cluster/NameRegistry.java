package dev.chatbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Who holds each name in the network: a name (its case-folded key) is held by one session at a time. On
 * one node a map of its own; in a cluster a Hazelcast map shared by every node, where a name held by a
 * session of a node that has left the cluster is free again, and so is one held for a session that its
 * router (asked over the event bus, which only the network's routers answer on) does not hold: an entry
 * for a node that is in Hazelcast but no router of the network (Hazelcast lets in whoever reaches its
 * port), or for a session its router never had. Such an entry is taken back and logged. The router also
 * checks its directory, which only routers write to, so an entry a stranger removed does not give a held
 * name away.
 */
public interface NameRegistry {

  /** Takes {@code key} for {@code session} of node {@code clusterId}; true if it was free (or already its). */
  Future<Boolean> claim(String key, String clusterId, long session);

  /** Gives {@code key} up, if {@code session} of node {@code clusterId} holds it. */
  Future<Void> release(String key, String clusterId, long session);

  /** Whether a router holds a name for one of its sessions, as that router says. */
  interface Holders {
    /**
     * Whether the router on cluster node {@code clusterId} holds (or is taking) the name {@code key} for its
     * session {@code session}: false when no router of the network runs there; true when it cannot be asked.
     */
    Future<Boolean> holds(String clusterId, long session, String key);
  }

  /**
   * The registry of {@code vertx}'s cluster (of this node alone when it is not clustered), where a name held
   * for a session counts only if {@code holders} says its router holds it.
   */
  static Future<NameRegistry> of(Vertx vertx, Membership membership, Holders router) {
    if (!vertx.isClustered()) {
      return Future.succeededFuture(new Local());
    }
    return vertx.sharedData().<String, String>getAsyncMap("chatbus.names").map(map -> new Clustered(map, membership, router));
  }

  /** A name's holder as stored: the node's cluster id and the session. */
  private static String holder(String clusterId, long session) {
    return clusterId + "/" + session;
  }

  /** The names of one node, touched only on its router's context. */
  final class Local implements NameRegistry {
    private final Map<String, String> holders = new HashMap<>();

    @Override
    public Future<Boolean> claim(String key, String clusterId, long session) {
      String holder = holder(clusterId, session);
      return Future.succeededFuture(holders.putIfAbsent(key, holder) == null || holders.get(key).equals(holder));
    }

    @Override
    public Future<Void> release(String key, String clusterId, long session) {
      holders.remove(key, holder(clusterId, session));
      return Future.succeededFuture();
    }
  }

  /** The names of the network, in a Hazelcast map. */
  final class Clustered implements NameRegistry {
    private static final Logger log = LoggerFactory.getLogger(NameRegistry.class);
    private final AsyncMap<String, String> holders;
    private final Membership membership;
    private final Holders router;

    Clustered(AsyncMap<String, String> holders, Membership membership, Holders router) {
      this.holders = holders;
      this.membership = membership;
      this.router = router;
    }

    @Override
    public Future<Boolean> claim(String key, String clusterId, long session) {
      String holder = holder(clusterId, session);
      return holders.putIfAbsent(key, holder).compose(previous -> {
        if (previous == null || previous.equals(holder)) {
          return Future.succeededFuture(true);
        }
        int slash = previous.lastIndexOf('/');
        String previousNode = slash < 0 ? previous : previous.substring(0, slash);
        long previousSession;
        try {
          previousSession = Long.parseLong(previous.substring(slash + 1));
        } catch (NumberFormatException e) {
          previousSession = 0;
        }
        Future<Boolean> held = membership.alive(previousNode) && slash > 0 ? router.holds(previousNode, previousSession, key)
          : Future.succeededFuture(false);
        return held.compose(yes -> {
          if (yes) {
            return Future.succeededFuture(false);
          }
          if (membership.alive(previousNode)) {
            log.warn("the name {} was held for {}, which its cluster node does not hold as a router of the network: "
              + "taken back", key, previous);
          }
          // Held by a session of a node that is gone, or that no router holds: free, unless someone else takes it first.
          return holders.replaceIfPresent(key, previous, holder);
        });
      });
    }

    @Override
    public Future<Void> release(String key, String clusterId, long session) {
      return holders.removeIfPresent(key, holder(clusterId, session)).mapEmpty();
    }
  }
}
