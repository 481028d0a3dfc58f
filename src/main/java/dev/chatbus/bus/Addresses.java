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
  private static final String DELIVER = "chat.deliver.";

  private Addresses() {
  }

  /** Where the room router of {@code node} takes {@link Command}s (request/reply). */
  public static String router(String node) {
    return ROUTER + node;
  }

  /**
   * Where every {@link RoomEvent} of {@code room} is published on each node with members in the room, to
   * that node's consumers only (one per edge instance in use).
   */
  public static String room(String room) {
    return ROOM + room;
  }

  /**
   * Where the owners of rooms send the {@link RoomEvent}s of rooms with members on {@code node}, for that
   * node to publish on {@link #room}. A node's address is there from its start, so an event sent there
   * never misses a member who has just entered, as one published across the cluster could while the news
   * of a new consumer travels.
   */
  public static String deliver(String node) {
    return DELIVER + node;
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
