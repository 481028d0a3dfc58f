package dev.chatbus.bus;

/**
 * Every event-bus address Chatbus uses, in one place.
 * <p>
 * Addresses are lower-case and dot-separated. They are part of the contract between the components of
 * a node (and, when clustered, between nodes), so a change here is a change of protocol.
 */
public final class Addresses {

  private static final String ROUTER = "chat.router.";
  private static final String ROOM = "chat.room.";
  private static final String EDGE = "chat.edge.";
  private static final String PERSIST = "chat.persist.";

  private Addresses() {
  }

  /** Where the room router of {@code node} takes {@link Command}s (request/reply). */
  public static String router(String node) {
    return ROUTER + node;
  }

  /** Where the router publishes every {@link RoomEvent} of {@code room} (one consumer per edge instance in use). */
  public static String room(String room) {
    return ROOM + room;
  }

  /** Where the persistence worker of {@code node} takes {@link Persist} messages from its router. */
  public static String persist(String node) {
    return PERSIST + node;
  }

  /** Where edge instance {@code instance} of {@code node} takes events for one of its sessions, such as private messages. */
  public static String edge(String node, int instance) {
    return EDGE + node + "." + instance;
  }
}
