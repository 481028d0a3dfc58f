package dev.chatbus.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The nodes of the cluster this node belongs to, as the cluster manager sees them: which are alive, and
 * when one leaves or is found dead (by Hazelcast's failure detection). A node that is not clustered is
 * the only member of its own cluster.
 */
public interface Membership {

  /** This node's id in the cluster. */
  String self();

  /** Whether the node with cluster id {@code nodeId} is a member now. */
  boolean alive(String nodeId);

  /** The cluster ids of the members now. */
  Collection<String> nodes();

  /**
   * Calls {@code handler}, on a cluster manager thread, whenever a node has left: {@link #alive} tells which.
   * Returns what stops that.
   */
  Runnable onLeft(Runnable handler);

  /**
   * The membership of {@code vertx}'s cluster, as {@code manager} (the cluster manager {@code vertx} was
   * built with) sees it; or of a cluster of one when {@code vertx} is not clustered.
   */
  static Membership of(Vertx vertx, ClusterManager manager) {
    if (!vertx.isClustered()) {
      return new Membership() {
        @Override
        public String self() {
          return "local";
        }

        @Override
        public boolean alive(String nodeId) {
          return self().equals(nodeId);
        }

        @Override
        public Collection<String> nodes() {
          return List.of(self());
        }

        @Override
        public Runnable onLeft(Runnable handler) {
          return () -> { };
        }
      };
    }
    if (manager == null) {
      throw new IllegalArgumentException("a clustered node needs the cluster manager it was built with");
    }
    return new Membership() {
      @Override
      public String self() {
        return manager.getNodeId();
      }

      @Override
      public boolean alive(String nodeId) {
        return manager.getNodes().contains(nodeId);
      }

      @Override
      public Collection<String> nodes() {
        return manager.getNodes();
      }

      @Override
      public Runnable onLeft(Runnable handler) {
        // Hazelcast's own listener: the cluster manager takes a single NodeListener, which Vert.x's HA
        // support may want for itself.
        if (!(manager instanceof HazelcastClusterManager)) {
          throw new IllegalStateException("Chatbus clusters over Hazelcast, not " + manager.getClass().getName());
        }
        Cluster cluster = ((HazelcastClusterManager) manager).getHazelcastInstance().getCluster();
        UUID listener = cluster.addMembershipListener(new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent event) {
          }

          @Override
          public void memberRemoved(MembershipEvent event) {
            handler.run();
          }
        });
        return () -> cluster.removeMembershipListener(listener);
      }
    };
  }
}
