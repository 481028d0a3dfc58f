package dev.chatbus.bus;

import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Duration;

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
  private static final String READ = "chat.read.";
  private static final String DELIVER = "chat.deliver.";

  /**
   * The prefix of the public API (version 1) for services: JSON bodies only, documented in
   * {@code docs/event-bus.md}. A change that is not backwards compatible gets a new version, next to this one.
   */
  public static final String API = "chat.api.v1.";
  /** Request: a service says something in a room. */
  public static final String API_SAY = API + "say";
  /** Request: a service sends a user a private message. */
  public static final String API_TELL = API + "tell";
  /** Request: a room's stored events. */
  public static final String API_HISTORY = API + "history";
  /** Request: who is in a room. */
  public static final String API_MEMBERS = API + "members";
  /** Request: the rooms that have members. */
  public static final String API_ROOMS = API + "rooms";
  /** Request: a service sets a room's topic. */
  public static final String API_TOPIC = API + "topic";
  /** Request: a service acts as an operator of a room: op, deop, kick, ban, unban, and the room's modes. */
  public static final String API_MODERATE = API + "moderate";
  /** Published: every join, leave and rename in every room. */
  public static final String API_PRESENCE = API + "presence";
  private static final String API_ROOM = API + "room.";
  /** Published by every node now and then: its figures, for the dashboard (see {@code StatsVerticle}). */
  public static final String STATS = "chat.stats";
  /** Request, on each node: every node's last figures. */
  public static final String STATS_GATHERED = "chat.stats.gathered";

  /**
   * A durable message's answer waits for the store, which may be away for a while: the router answers every
   * such request in the end (stored, or not_stored), so this only guards against a lost router.
   */
  private static final DeliveryOptions DURABLE = new DeliveryOptions().setSendTimeout(Duration.ofHours(1).toMillis());
  private static final DeliveryOptions PROMPT = new DeliveryOptions();

  private Addresses() {
  }

  /**
   * Where the room router of {@code node} takes {@link RouterMessage}s: session commands, room commands and
   * what routers tell each other.
   */
  public static String router(String node) {
    return ROUTER + node;
  }

  /**
   * How long a request to a router waits for its answer: for a {@code durable} message, until it is stored
   * (up to an hour, as the store may be away); for anything else, the event bus's default 30 s.
   */
  public static DeliveryOptions toRouter(boolean durable) {
    return durable ? DURABLE : PROMPT;
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

  /** Published: every event of {@code room}, as JSON, to services anywhere in the cluster. */
  public static String apiRoom(String room) {
    return API_ROOM + room;
  }

  /** Whether {@code address} is where the events of a room are published for services. */
  public static boolean isApiRoom(String address) {
    return address.startsWith(API_ROOM) && address.length() > API_ROOM.length();
  }

  /** Where the persistence worker of {@code node} takes {@link Persist} messages from its router. */
  public static String persist(String node) {
    return PERSIST + node;
  }

  /** Where history reader {@code instance} of {@code node} takes {@link Persist.Query}s and {@link Persist.Look}s, locally. */
  public static String reader(String node, int instance) {
    return READ + node + "." + instance;
  }

  /** Where the accounts workers of {@code node} take {@link AccountCommand}s from its edges, locally. */
  public static String accounts(String node) {
    return "chat.accounts." + node;
  }

  /**
   * Where the first accounts worker of {@code node} alone takes what is written without an answer (audit
   * lines, address bans, room registrations), locally: one at a time, in the order sent.
   */
  public static String records(String node) {
    return "chat.records." + node;
  }

  /** Where each newly registered name is published (a {@code String}) to every node's accounts workers. */
  public static final String REGISTERED = "chat.accounts.registered";

  /**
   * Where each ban (or unban) of an address from the network is published to every node: a JSON object
   * with {@code address} and {@code reason} (null: lifted).
   */
  public static final String SERVER_BANS = "chat.serverBans";

  /**
   * Where each closing (or opening) of a room by a server operator is published to every node: a JSON object
   * with {@code room} and {@code reason} (null: opened).
   */
  public static final String CLOSED_ROOMS = "chat.closedRooms";

  /** Where each change of a room's registration ({@link Registration}) is published to every node. */
  public static final String ROOM_REGISTRATIONS = "chat.roomRegistrations";

  /** Where edge instance {@code instance} of {@code node} takes events for one of its sessions, such as private messages. */
  public static String edge(String node, int instance) {
    return EDGE + node + "." + instance;
  }
}
