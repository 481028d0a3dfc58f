package dev.chatbus.edge;

import dev.chatbus.bus.SessionCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.ClientCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One client connection: its session state and its write queue. Touched only on its edge instance's
 * event loop.
 * <p>
 * What is sent to a client during one event-loop turn is copied into one buffer, its batch, which the
 * {@link FlushBatcher} hands to the channel and flushes at the end of the turn (or sooner, once a quarter
 * of {@code queueBytes}, at most 64 KiB, is waiting, so that a burst arriving in one turn cannot look like
 * a slow reader). A delivery thus costs a copy of a few dozen bytes, not a channel write, and a turn costs
 * one system call per client. The queue of unsent bytes is the batch plus the channel's own outbound
 * buffer, and the slow-consumer policy is measured on it: past {@code queueBytes} deliveries are dropped
 * and counted, past {@code maxQueueBytes} (or {@code maxTime} over {@code queueBytes}) the client is
 * disconnected.
 */
final class Connection {

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

  /**
   * What became of a delivery: sent; dropped for the slow-consumer bound (and {@code OVERFLOW}: the client
   * must go); or not for this client any more (logging out, closing).
   */
  enum Delivery {
    SENT, DROPPED, OVERFLOW, GONE
  }

  /** The most events kept for a client while it enters a room. */
  static final int MAX_KEPT = 10_000;
  /** The least capacity of a batch for a client that keeps up: a few lines; it grows as a burst needs. */
  private static final int BATCH_START = 512;
  /** The first capacity of a batch for a client that is behind: about one line. */
  private static final int SMALL_BATCH = 128;

  final long id;
  final Channel channel;
  final InetAddress address;
  final String remote;
  final long openedAt;
  final TokenBucket bucket;
  private final FlushBatcher flusher;
  private final ChatbusConfig.SlowConsumer slow;
  private final int flushAt;

  private State state = State.GREETED;
  /** The client's protocol, known from its first line; null before. */
  private ClientCodec codec;
  /** True once a login was sent to the router, until the router is told the session is gone. */
  private boolean registered;
  private String name;
  /** The rooms the client is in; a text client's only room is its current one. */
  private final ArrayList<String> rooms = new ArrayList<>(1);
  private final List<String> roomsView = Collections.unmodifiableList(rooms);
  private long lastActive;
  /** Router requests not yet answered, so that a half-closed client still gets its answers. */
  private int inFlight;
  private boolean inputClosed;
  /** True while a request decides how the client's next lines are read (a login, a join). */
  private boolean holding;
  /** Input that arrived while holding, already counted against the rate limit; null when there is none. */
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

  private boolean dirty;
  /** What was sent this turn and not yet handed to the channel; null when there is none. */
  private ByteBuf batch;
  /** The channel's queue when the batch was started. */
  private long channelPendingAtBatch;
  /** The size of the last batch: the next one starts that large, so a busy client's batch rarely grows. */
  private int lastBatchBytes;
  /** True from the first dropped delivery until the client has caught up again. */
  private boolean behind;
  private long behindSince;
  private long dropped;
  private long linesIn;
  private long deliveries;
  private long droppedTotal;

  Connection(long id, Channel channel, InetSocketAddress remote, long now, FlushBatcher flusher,
             ChatbusConfig.Limits limits) {
    this.id = id;
    this.channel = channel;
    this.address = remote.getAddress();
    this.remote = remote.getAddress().getHostAddress() + ":" + remote.getPort();
    this.openedAt = now;
    this.lastActive = now;
    this.bucket = new TokenBucket(limits.rate(), now);
    this.flusher = flusher;
    this.slow = limits.slowConsumer();
    this.flushAt = (int) Math.min(64 << 10, Math.max(1 << 10, slow.queueBytes() / 4));
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

  /** The router let the client in as {@code name}, into {@code room}. */
  void loggedIn(String name, String room) {
    state = State.READY;
    this.name = name;
    rooms.add(room);
  }

  /** The login was turned down, or not answered: the client may try again; the router has forgotten it. */
  void loginFailed() {
    state = State.GREETED;
    registered = false;
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
    linesIn++;
  }

  /** A request goes to the router on the client's behalf; with {@code holds}, its next lines wait for the answer. */
  void asking(boolean holds) {
    inFlight++;
    if (holds) {
      holding = true;
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
    return holding;
  }

  /** The request that held the client's input is answered. */
  void stopHolding() {
    holding = false;
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

  /** The rooms the client is in, in the order it entered them; a text client's only room is its current one. */
  List<String> rooms() {
    return roomsView;
  }

  long lastActive() {
    return lastActive;
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

  long deliveries() {
    return deliveries;
  }

  long droppedTotal() {
    return droppedTotal;
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
      if (!behind) {
        behind = true;
        behindSince = now;
      }
      dropped++;
      droppedTotal++;
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

  /**
   * Queues lines that must not be dropped (answers, errors, goodbyes). Returns false if that takes the
   * queue past its hard bound, in which case the caller disconnects the client.
   */
  boolean send(String lines) {
    if (lines.isEmpty() || !channel.isActive()) {
      return true;
    }
    batch(ByteBufUtil.utf8Bytes(lines)).writeCharSequence(lines, StandardCharsets.UTF_8);
    written();
    return queuedBytes() <= slow.maxQueueBytes();
  }

  /**
   * Queues a delivery (the same bytes may go to many recipients), unless the client is too far behind, in
   * which case it is dropped and counted. {@code OVERFLOW} means the client must be disconnected.
   */
  Delivery deliver(byte[] rendered, long now) {
    if (state != State.READY) {
      return Delivery.GONE;
    }
    long queued = queuedBytes();
    if (queued >= slow.queueBytes()) {
      if (!behind) {
        behind = true;
        behindSince = now;
      }
      dropped++;
      droppedTotal++;
      boolean overflow = queued >= slow.maxQueueBytes() || now - behindSince >= slow.maxTime().toNanos();
      return overflow ? Delivery.OVERFLOW : Delivery.DROPPED;
    }
    if (behind) {
      caughtUp();
    }
    if (batch == null && !channel.isActive()) {
      return Delivery.GONE;
    }
    batch(rendered.length).writeBytes(rendered);
    deliveries++;
    written();
    return Delivery.SENT;
  }

  /**
   * Checks a client that fell behind: tells it what it missed once it has caught up. Returns false if it
   * has been behind for longer than allowed.
   */
  boolean checkBehind(long now) {
    if (!behind) {
      return true;
    }
    if (queuedBytes() < slow.queueBytes()) {
      caughtUp();
      return true;
    }
    return now - behindSince < slow.maxTime().toNanos();
  }

  private void caughtUp() {
    behind = false;
    if (dropped > 0 && codec != null) {
      long n = dropped;
      dropped = 0;
      send(codec.dropped(n));
    }
  }

  /** Bytes sent to this client and not yet taken by its socket: its batch and the channel's queue. */
  long queuedBytes() {
    return batch == null ? channelPending() : channelPendingAtBatch + batch.readableBytes();
  }

  private long channelPending() {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /** This turn's batch, with room for at least {@code bytes} more. */
  private ByteBuf batch(int bytes) {
    if (batch == null) {
      // Nothing is written to the channel while a batch is being filled, so its queue can only shrink.
      channelPendingAtBatch = channelPending();
      // A client that keeps up gets a batch as large as its last one: it is written at once and freed.
      // One that is behind gets a small one, since its batches wait in its queue, whose bound counts
      // their bytes, not their capacity.
      int start = channelPendingAtBatch == 0 ? Math.max(BATCH_START, lastBatchBytes) : SMALL_BATCH;
      batch = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(start, bytes));
    } else {
      batch.ensureWritable(bytes);
    }
    return batch;
  }

  private void written() {
    if (batch.readableBytes() >= flushAt) {
      writeBatch();
    }
    if (!dirty) {
      dirty = true;
      flusher.add(this);
    }
  }

  private void writeBatch() {
    ByteBuf b = batch;
    batch = null;
    lastBatchBytes = Math.min(b.readableBytes(), flushAt);
    channel.writeAndFlush(b, channel.voidPromise());
  }

  /** Hands this turn's batch to the channel and flushes it; called by the {@link FlushBatcher} at the end of the turn. */
  void flush() {
    dirty = false;
    if (batch != null) {
      writeBatch();
    }
  }

  /**
   * Closes the connection once everything sent to it so far has been written; a client that does not
   * read it is closed by the sweep after a while (see {@link Connections#sweep}).
   */
  void close() {
    ByteBuf last = batch == null ? Unpooled.EMPTY_BUFFER : batch;
    batch = null;
    channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
  }

  /** The socket has closed: drops what could not be sent. */
  void discard() {
    if (batch != null) {
      batch.release();
      batch = null;
    }
  }

  @Override
  public String toString() {
    return Long.toHexString(id);
  }
}
