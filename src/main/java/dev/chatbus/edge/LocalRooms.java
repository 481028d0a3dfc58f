package dev.chatbus.edge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.ClientCodec;
import dev.chatbus.protocol.EventRenderer;
import dev.chatbus.protocol.Goodbye;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The rooms that have members on one edge instance, and the fan-out of their events.
 * <p>
 * Each room in use has one local event-bus consumer on {@link Addresses#room} for the whole instance,
 * never one per connection. An event is rendered at most once per protocol and the same bytes are copied to
 * every member. A room's consumer is registered before its first member's join is sent to the router,
 * so no event after the join can be missed; it is unregistered when the last member leaves.
 */
final class LocalRooms {

  private static final String SHUTDOWN_LEAVE = Goodbye.SHUTTING_DOWN.roomReason();

  /** One room in use here. */
  static final class Room {
    final String name;
    /**
     * Members in join order, including those still entering (whose events are kept, not written); adding
     * and removing one costs the same in a room of ten or of ten thousand.
     */
    final Set<Connection> members = new LinkedHashSet<>();
    private final MessageConsumer<RoomEvent> consumer;
    /** The latest epoch of the room seen here. */
    private long epoch;

    private Room(String name, MessageConsumer<RoomEvent> consumer) {
      this.name = name;
      this.consumer = consumer;
    }

    /** Completes once events of the room reach this instance. */
    Future<Void> ready() {
      return consumer.completion();
    }
  }

  private final EventBus bus;
  private final EdgeNode node;
  private final Map<String, Room> rooms = new HashMap<>();
  private final Renderings renderings;
  private final Consumer<Connection> onOverflow;
  private final BiConsumer<Connection, String> onKicked;
  private final List<Connection> overflowed = new ArrayList<>();

  /**
   * @param renderers  every way room events are rendered on this instance ({@link ClientCodec#events})
   * @param onOverflow called, after a fan-out, with each client that fell too far behind to stay
   * @param onKicked   called with a client an operator put out of a room, once it is out and has been told
   */
  LocalRooms(EventBus bus, List<EventRenderer> renderers, EdgeNode node, Consumer<Connection> onOverflow,
             BiConsumer<Connection, String> onKicked) {
    this.bus = bus;
    this.node = node;
    this.renderings = new Renderings(renderers);
    this.onOverflow = onOverflow;
    this.onKicked = onKicked;
  }

  /**
   * Makes {@code c} a member of {@code room} that is still entering it: from now on the room's events are
   * kept for it (see {@link Connection#joining}) until it has joined, or is removed if it does not.
   */
  Room enter(String room, Connection c) {
    Room r = rooms.get(room);
    if (r == null) {
      // Local: the room's owner sends its events to every node with members, which publishes them here.
      Room created = new Room(room, bus.localConsumer(Addresses.room(room)));
      created.consumer.handler(msg -> fanOut(created, msg.body()));
      rooms.put(room, created);
      r = created;
    }
    r.members.add(c);
    c.joining(r.name);
    return r;
  }

  /** {@code c} is no longer a member of {@code room}. */
  void remove(Connection c, String room) {
    Room r = rooms.get(room);
    if (r != null) {
      r.members.remove(c);
      releaseIfUnused(r);
    }
  }

  private void releaseIfUnused(Room r) {
    if (r.members.isEmpty() && rooms.get(r.name) == r) {
      rooms.remove(r.name);
      r.consumer.unregister();
    }
  }

  private void fanOut(Room r, RoomEvent event) {
    if (node.stopping() && event.kind() == RoomEvent.Kind.QUIT && SHUTDOWN_LEAVE.equals(event.text())) {
      return;
    }
    // While the owner of a room changes, the old one may still publish an event after the new one's first:
    // once a newer epoch is seen, older ones are not shown, so every member keeps one order.
    if (event.epoch() < r.epoch) {
      return;
    }
    r.epoch = event.epoch();
    long now = System.nanoTime();
    int sent = 0;
    int dropped = 0;
    try {
      for (Connection c : r.members) {
        if (c.isJoining(r.name)) {
          c.keep(event, now);
        } else if (c.id != event.senderSession() && c.codec().shows(event)) {
          Connection.Delivery d = c.deliver(renderings.get(c.codec().events(), event), now);
          if (d == Connection.Delivery.SENT) {
            sent++;
          } else if (d == Connection.Delivery.DROPPED) {
            dropped++;
          } else if (d == Connection.Delivery.OVERFLOW) {
            dropped++;
            overflowed.add(c);
          }
        }
      }
    } finally {
      renderings.release();
      node.metrics().delivered(sent);
      node.metrics().dropped(NodeMetrics.Drop.SLOW_CONSUMER, dropped);
    }
    if (event.kind() == RoomEvent.Kind.KICK) {
      kicked(r, event.targetSession());
    }
    // Disconnecting changes room membership, so it waits until the loop is done.
    if (!overflowed.isEmpty()) {
      for (Connection c : overflowed) {
        onOverflow.accept(c);
      }
      overflowed.clear();
    }
  }

  /** The member {@code session}, if it is here, was put out of {@code r} (and has been told, as everyone there). */
  private void kicked(Room r, long session) {
    for (Connection c : r.members) {
      if (c.id == session) {
        remove(c, r.name);
        c.leftRoom(r.name);
        onKicked.accept(c, r.name);
        return;
      }
    }
  }

  /** The current event rendered at most once per renderer. */
  private static final class Renderings {
    private final EventRenderer[] renderers;
    private final byte[][] rendered;

    Renderings(List<EventRenderer> renderers) {
      this.renderers = renderers.toArray(new EventRenderer[0]);
      this.rendered = new byte[this.renderers.length][];
    }

    byte[] get(EventRenderer renderer, RoomEvent e) {
      for (int i = 0; i < renderers.length; i++) {
        if (renderers[i] == renderer) {
          if (rendered[i] == null) {
            rendered[i] = renderer.roomEvent(e).getBytes(StandardCharsets.UTF_8);
          }
          return rendered[i];
        }
      }
      throw new IllegalStateException("no rendering for " + renderer);
    }

    void release() {
      Arrays.fill(rendered, null);
    }
  }
}
