package dev.chatbus.edge;

import dev.chatbus.account.Grant;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.ClientCodec;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One client connection: its session state, the transitions between its states, what it holds while a
 * request decides how its next lines are read, and the events kept while it enters a room. What is sent
 * to it goes through the write queue it extends ({@link ClientQueue}). Touched only on its edge instance's
 * event loop.
 */
final class Connection extends ClientQueue {

  enum State {
    /** Connected, greeted, no name yet. */
    GREETED,
    /** A login is in flight; the client's next lines wait until it is answered. */
    LOGGING_IN,
    /** Logged in. */
    READY,
    /** Gone from the rooms; its last lines are being flushed before the socket closes. */
    CLOSING,
    /** The socket is closed. */
    CLOSED
  }

  /** The most events kept for a client while it enters a room. */
  static final int MAX_KEPT = 10_000;

  final long id;
  final InetAddress address;
  /** The client's port; with {@link #address}, {@link #remote()}. */
  private final int port;
  final long openedAt;
  final TokenBucket bucket;

  private State state = State.GREETED;
  /** The client's protocol, known from its first line; null before. */
  private ClientCodec codec;
  /** True once a login was sent to the router, until the router is told the session is gone. */
  private boolean registered;
  private String name;
  /** The account the client identified as (by SASL before logging in, or a password since); null for a guest. */
  private String account;
  private Grant grant;
  /** The registered name whose password the client's next line is (text clients), or null. */
  private String passwordFor;
  /** The rooms the client is in; a text client's only room is its current one. */
  private final ArrayList<String> rooms = new ArrayList<>(1);
  private final List<String> roomsView = Collections.unmodifiableList(rooms);
  private long lastActive;
  /** Whether the client has been sent its codec's keep-alive since its last line. */
  private boolean pinged;
  /** Router requests not yet answered, so that a half-closed client still gets its answers. */
  private int inFlight;
  private boolean inputClosed;
  /** Requests under way that decide how the client's next lines are read (a login, a join); its input waits meanwhile. */
  private int holding;
  /**
   * Input that arrived while holding (lines and framing signals, already counted against the rate limit),
   * and the rest of a line's commands; null when there is none.
   */
  private ArrayDeque<Object> held;
  /** The room being entered (the instance {@link LocalRooms} names it by), or null. */
  private String joining;
  /** Events of the room being entered, kept until what came before them has been written; null if none. */
  private ArrayList<RoomEvent> kept;
  /** What did not fit in the last history answer, for {@code /history more}; null when it was whole. */
  private SessionCommand.History moreHistory;
  private long closingSince;
  private String leaveReason;
  private Throwable failure;
  private long linesIn;

  Connection(long id, Channel channel, InetSocketAddress remote, long now, FlushBatcher flusher,
             ChatbusConfig.Limits limits) {
    super(channel, flusher, limits.slowConsumer());
    this.id = id;
    this.address = remote.getAddress();
    this.port = remote.getPort();
    this.openedAt = now;
    this.lastActive = now;
    this.bucket = new TokenBucket(limits.rate(), now);
  }

  /** Where the client connects from, {@code ip:port}: made when asked (for a login, or the log), not kept. */
  String remote() {
    return address.getHostAddress() + ":" + port;
  }

  @Override
  boolean ready() {
    return state == State.READY;
  }

  /** Whether the client connected over TLS. */
  boolean secure() {
    return channel.pipeline().get(SslHandler.class) != null;
  }

  @Override
  String droppedNotice(long n) {
    return codec == null ? null : codec.dropped(n);
  }

  // ----- the session: its states and what moves it from one to the next

  boolean loggedIn() {
    return state == State.READY;
  }

  boolean open() {
    return state != State.CLOSING && state != State.CLOSED;
  }

  boolean closed() {
    return state == State.CLOSED;
  }

  State state() {
    return state;
  }

  /** The client's first line says which protocol it speaks, for the rest of the connection. */
  void speaks(ClientCodec codec) {
    this.codec = codec;
  }

  /** A login is sent to the router: from now on the router must be told when the session ends. */
  void loggingIn() {
    state = State.LOGGING_IN;
    registered = true;
  }

  /** The router let the client in as {@code name}, into {@code room} (none when null). */
  void loggedIn(String name, String room) {
    state = State.READY;
    this.name = name;
    if (room != null) {
      rooms.add(room);
    }
  }

  /**
   * The login was turned down, or not answered: the client may try again; the router has forgotten it, and
   * a token it showed goes with the login (an identification by SASL stays).
   */
  void loginFailed() {
    state = State.GREETED;
    registered = false;
    if (grant != null) {
      grant = null;
      account = null;
    }
  }

  void renamed(String name) {
    this.name = name;
  }

  void enteredRoom(String room) {
    rooms.add(room);
  }

  void leftRoom(String room) {
    rooms.remove(room);
  }

  /**
   * The client is leaving, for {@code reason}: its last lines are flushed before the socket closes. Returns
   * the rooms it was in, which it is in no longer.
   */
  List<String> closing(String reason, long now) {
    state = State.CLOSING;
    closingSince = now;
    leaveReason = reason;
    List<String> was = new ArrayList<>(rooms);
    rooms.clear();
    return was;
  }

  /** Whether the router still holds the session and must be told it has ended; it is told now. */
  boolean unregister() {
    boolean was = registered;
    registered = false;
    return was;
  }

  /** The socket has closed. */
  void socketClosed() {
    state = State.CLOSED;
  }

  /** The connection failed (a reset, say): it was lost rather than closed. */
  void failed(Throwable cause) {
    failure = cause;
  }

  boolean lost() {
    return failure != null;
  }

  // ----- input: lines, requests waiting for answers, and input held meanwhile

  /** A line came in at {@code now}: the client is active. */
  void lineIn(long now) {
    lastActive = now;
    pinged = false;
    linesIn++;
  }

  /** A request goes to the router on the client's behalf; with {@code holds}, its next lines wait for the answer. */
  void asking(boolean holds) {
    inFlight++;
    if (holds) {
      holding++;
    }
  }

  /** A request's answer has come. */
  void answered() {
    inFlight--;
  }

  /** The client has closed its side: it reads answers still, and sends nothing more. */
  void inputEnded() {
    inputClosed = true;
  }

  /** Whether the client has closed its side and every answer it waited for has come. */
  boolean inputDone() {
    return inputClosed && inFlight == 0;
  }

  boolean holding() {
    return holding > 0;
  }

  /** A request that held the client's input is answered. */
  void stopHolding() {
    holding--;
  }

  void moreHistory(SessionCommand.History more) {
    moreHistory = more;
  }

  /** What did not fit in the last history answer, as the request for it; null when it was whole. */
  SessionCommand.History moreHistory() {
    return moreHistory;
  }

  ClientCodec codec() {
    return codec;
  }

  String name() {
    return name;
  }

  String account() {
    return account;
  }

  /** What the client's signed token lets it do; null when it logged in without one (no such bounds). */
  Grant grant() {
    return grant;
  }

  /** The client's next line is the password of the registered {@code name} it tried to log in under. */
  void awaitPassword(String name) {
    passwordFor = name;
  }

  /** The name whose password this line is, or null; asked once. */
  String takePasswordFor() {
    String name = passwordFor;
    passwordFor = null;
    return name;
  }

  /** The client showed a signed token: it is its subject, within its bounds. */
  void granted(Grant grant) {
    this.grant = grant;
    this.account = grant.subject();
  }

  /** The client proved it holds {@code account}'s password. */
  void identified(String account) {
    this.account = account;
  }

  /** The rooms the client is in, in the order it entered them; a text client's only room is its current one. */
  List<String> rooms() {
    return roomsView;
  }

  long lastActive() {
    return lastActive;
  }

  boolean pinged() {
    return pinged;
  }

  /** The client has been sent its keep-alive, having been silent a while. */
  void ping() {
    pinged = true;
  }

  long closingSince() {
    return closingSince;
  }

  String leaveReason() {
    return leaveReason;
  }

  long linesIn() {
    return linesIn;
  }


  /**
   * Keeps {@code input} (a line, or a framing signal) until the request being waited for is answered,
   * and stops reading from the socket meanwhile, so the kernel holds back whatever else the client sends.
   * What was already read is bounded by the rate limit, charged as each line arrived.
   */
  void hold(Object input) {
    if (held == null) {
      held = new ArrayDeque<>(4);
      channel.config().setAutoRead(false);
    }
    held.add(input);
  }

  /**
   * Keeps {@code commands}, what is left of one line that asks for several things, ahead of the input held
   * already: they are carried out first once the request being waited for is answered.
   */
  void holdFirst(List<?> commands) {
    if (held == null) {
      held = new ArrayDeque<>(4);
      channel.config().setAutoRead(false);
    }
    for (int i = commands.size() - 1; i >= 0; i--) {
      held.addFirst(commands.get(i));
    }
  }

  /** The oldest held input, or null. */
  Object nextHeld() {
    return held == null ? null : held.poll();
  }

  /** Reads from the socket again, once nothing is held any more. */
  void resumeReading() {
    if (held != null && held.isEmpty()) {
      held = null;
      channel.config().setAutoRead(true);
    }
  }

  /** Whether the client is entering {@code room}, the instance {@link LocalRooms} names it by. */
  boolean isJoining(String room) {
    return joining == room;
  }

  /** The client is entering {@code room}: its events are kept, not written, until {@link #joined()}. */
  void joining(String room) {
    joining = room;
    kept = null;
  }

  /**
   * Keeps an event of the room being entered. Past {@link #MAX_KEPT} (a join whose answer is very slow)
   * events are dropped and counted, as for a client that does not read, and it is told once it reads on.
   */
  void keep(RoomEvent event, long now) {
    if (kept == null) {
      kept = new ArrayList<>();
    }
    if (kept.size() < MAX_KEPT) {
      kept.add(event);
    } else {
      missed(now);
    }
  }

  /** The client has entered its room, or gave up: returns the events kept meanwhile, oldest first. */
  List<RoomEvent> joined() {
    List<RoomEvent> events = kept == null ? List.of() : kept;
    joining = null;
    kept = null;
    return events;
  }

  /** The client's one room if it speaks text, or its first room; null if it is in none. */
  String currentRoom() {
    return rooms.isEmpty() ? null : rooms.get(0);
  }

  @Override
  public String toString() {
    return Long.toHexString(id);
  }
}
