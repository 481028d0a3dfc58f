package dev.chatbus.edge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Invitation;
import dev.chatbus.bus.Kill;
import dev.chatbus.bus.NameLost;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.protocol.ClientCodec;
import dev.chatbus.protocol.ClientCommand;
import dev.chatbus.protocol.EventRenderer;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.protocol.IrcCodec;
import dev.chatbus.protocol.IrcEvents;
import dev.chatbus.protocol.IrcLine;
import dev.chatbus.protocol.IrcServer;
import dev.chatbus.protocol.JsonCodec;
import dev.chatbus.protocol.LineFraming;
import dev.chatbus.protocol.ServerInfo;
import dev.chatbus.protocol.TextCodec;
import dev.chatbus.protocol.WebSocketFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge: owns client sockets on the text/JSON port and on the IRC port. Deployed with one instance per
 * event loop, all listening on the same ports; each instance serves the connections it accepts and touches
 * them only on its own event loop. Whatever their protocol, its clients share its rooms' fan-out.
 * <p>
 * Consumes: {@link dev.chatbus.bus.RoomEvent}s on {@link Addresses#room} for the rooms its clients are
 * in, and {@link PrivateMessage}s and {@link Reply.Refused}s on its own {@link Addresses#edge} address. Sends
 * {@link dev.chatbus.bus.SessionCommand}s to the node's router.
 * <p>
 * Per connection it frames lines (with a hard maximum), detects the protocol from the first line,
 * applies the rate limit, and writes without flushing, flushing once per event-loop turn. One periodic
 * timer per instance sweeps for login, idle and slow-consumer timeouts.
 * <p>
 * {@code stop()} stops accepting, sends every client its goodbye, and completes once every socket has
 * closed after sending its queued lines, or when the shutdown grace period has passed.
 */
public final class TcpServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(TcpServerVerticle.class);
  private static final long SESSION_COUNTER_BITS = 40;
  /** How often each instance checks how late its event loop runs timers. */
  private static final long PROBE_NANOS = 100_000_000;

  private final ChatbusConfig.Edge config;
  private final ServerInfo server;
  private final EdgeNode node;
  private final int instance;
  private final long sessionBase;

  /** Stands for the end of a connection among the things its handler hands to the instance. */
  private static final Object CLOSED = new Object();

  private Channel serverChannel;
  private Channel tlsChannel;
  private Channel ircChannel;
  private Channel ircTlsChannel;
  private ClientCodec textCodec;
  private ClientCodec jsonCodec;
  private IrcServer ircServer;
  private List<IrcEvents> ircEvents;
  private FlushBatcher flusher;
  private Connections connections;
  private Commands commands;
  private long sessionCounter;
  private long sweepTimer;
  private long probeTimer;
  /** When the event-loop probe should run next. */
  private long probeDue;
  private long disconnectAfter;
  private boolean stopping;

  /**
   * @param node     what the node's edge instances share
   * @param instance this instance's number on the node, 0 to 255
   */
  public TcpServerVerticle(ChatbusConfig.Edge config, ServerInfo server, EdgeNode node, int instance) {
    this.config = config;
    this.server = server;
    this.node = node;
    this.instance = instance;
    this.sessionBase = ((long) (node.tag() & 0xffff) << 48) | ((long) (instance & 0xff) << SESSION_COUNTER_BITS);
  }

  @Override
  public Future<?> start() {
    ChatbusConfig.Limits lim = config.limits();
    EventLoop loop = VertxInternals.eventLoop(context);
    textCodec = new TextCodec(server);
    jsonCodec = new JsonCodec(server);
    ChatbusConfig.Irc irc = config.irc();
    ircServer = new IrcServer(irc.serverName().isEmpty() ? server.node() : irc.serverName(), irc.network(),
      server.software().replace(' ', '-'), node.startedAt(), server.node(), irc.password(),
      irc.motd().isEmpty() ? List.of() : List.of(irc.motd().split("\r?\n")), config.rooms().maxPerClient(),
      config.history().windowLimit());
    ircEvents = IrcEvents.variants();
    String router = Addresses.router(server.node());
    String self = Addresses.edge(server.node(), instance);
    flusher = new FlushBatcher(loop);
    List<EventRenderer> renderers = new ArrayList<>(List.of(textCodec, jsonCodec));
    renderers.addAll(ircEvents);
    LocalRooms rooms = new LocalRooms(vertx.eventBus(), renderers,
      node, c -> connections.goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason()), (c, room) -> commands.kicked(c, room));
    connections = new Connections(vertx.eventBus(), router, rooms, node.limits(), textCodec, lim, irc.pingAfter(),
      node.metrics());
    AccountChecks accounts = new AccountChecks(vertx.eventBus(), server.node(), config.stored(),
      config.accounts().minPasswordLength(), node.registered(),
      node.tokens(), node.bans(), lim.spared());
    commands = new Commands(vertx.eventBus(), router, self, rooms, connections, config.rooms(), config.operators(),
      config.accounts(), accounts, config.history(), this::released);
    disconnectAfter = lim.rate().disconnectAfter().toNanos();

    MessageConsumer<Object> direct = vertx.eventBus().consumer(self, this::onDirect);
    sweepTimer = vertx.setPeriodic(sweepInterval(lim, irc.pingAfter()).toMillis(),
      id -> connections.sweep(System.nanoTime()));
    // How late a timer on this event loop runs is how long other work kept the loop busy.
    probeDue = System.nanoTime() + PROBE_NANOS;
    probeTimer = vertx.setPeriodic(PROBE_NANOS / 1_000_000, id -> {
      long now = System.nanoTime();
      // The timer runs at a fixed rate: each run is late by the time since it was due.
      node.metrics().loopDelay(now - probeDue);
      probeDue += PROBE_NANOS;
    });

    // Every instance listens on the port with its own socket (SO_REUSEPORT), accepting on its own event
    // loop, so that a connection lives on the loop of the instance that accepted it. The kernel spreads
    // new connections over the instances. Vert.x's NetServer is not used: its per-socket queues alone
    // would cost more memory than all of a connection's own state.
    NetServerOptions options = new NetServerOptions()
      .setTcpNoDelay(true)
      .setReuseAddress(true)
      .setReusePort(true);
    if (config.tcp().sendBufferBytes() > 0) {
      options.setSendBufferSize(config.tcp().sendBufferBytes());
    }
    String host = config.tcp().host();
    boolean tls = node.tls() != null;
    return direct.completion()
      .compose(v -> listen("tcp", host, config.tcp().port(), new Listener(vertx, context, loop, options,
        ch -> onConnect(ch, false, false))))
      .compose(ch -> {
        serverChannel = ch;
        return listen("tcp-tls", host, tls ? config.tcp().tlsPort() : -1, new Listener(vertx, context, loop, options,
          c -> onConnect(c, false, true)));
      })
      .compose(ch -> {
        tlsChannel = ch;
        return listen("irc", irc.host(), irc.enabled() ? irc.port() : -1, new Listener(vertx, context, loop, options,
          c -> onConnect(c, true, false)));
      })
      .compose(ch -> {
        ircChannel = ch;
        return listen("irc-tls", irc.host(), irc.enabled() && tls ? irc.tlsPort() : -1,
          new Listener(vertx, context, loop, options, c -> onConnect(c, true, true)));
      })
      .onSuccess(ch -> {
        ircTlsChannel = ch;
        node.started(this);
      });
  }

  /** This instance's socket of {@code listener}, on {@code port} (-1: none, and the future holds null). */
  private Future<Channel> listen(String listener, String host, int port, Listener l) {
    if (port < 0) {
      return Future.succeededFuture();
    }
    Channel[] bound = new Channel[1];
    return node.listen(listener, host, port, p -> l.bind(host, p).map(ch -> {
      bound[0] = ch;
      return localPort(ch);
    })).map(p -> bound[0]);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    node.stopped(this);
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(probeTimer);
    for (Channel ch : new Channel[] {serverChannel, tlsChannel, ircChannel, ircTlsChannel}) {
      if (ch != null) {
        ch.close();
      }
    }
    // Every client is told goodbye and closed once that is sent. The edge is stopped when every socket has
    // closed (and the router has been told), or once the grace period is over and the rest have been
    // closed without waiting.
    connections.shutdownAll();
    long graceTimer = vertx.setTimer(Math.max(1, config.shutdownGrace().toMillis()), id -> connections.closeAllNow());
    return connections.allClosed().onComplete(ar -> vertx.cancelTimer(graceTimer));
  }

  /** The port clients connect to (useful when configured as 0); -1 when it is turned off. */
  public int port() {
    return localPort(serverChannel);
  }

  /** The port clients connect to over TLS; -1 when there is none. */
  public int tlsPort() {
    return localPort(tlsChannel);
  }

  /** The port IRC clients connect to; -1 when IRC is off. */
  public int ircPort() {
    return localPort(ircChannel);
  }

  /** The port IRC clients connect to over TLS; -1 when there is none. */
  public int ircTlsPort() {
    return localPort(ircTlsChannel);
  }

  private static int localPort(Channel ch) {
    return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /** A client connected, on an IRC port when {@code irc}, over TLS when {@code tls}. */
  private void onConnect(Channel ch, boolean irc, boolean tls) {
    InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
    ClientCodec codec = irc ? new IrcCodec(ircServer, ircEvents) : null;
    boolean banned = node.bans().banned(remote.getAddress());
    if (stopping || banned || !node.limits().tryAcquire(remote.getAddress())) {
      log.info("conn refused: {} ({})", remote, stopping ? "shutting down" : banned ? "banned" : "server full");
      if (tls) {
        // Telling why would take a handshake, which a refused client is not worth: the limits count none.
        ch.close();
        return;
      }
      Goodbye why = stopping ? Goodbye.SHUTTING_DOWN : banned ? Goodbye.BANNED : Goodbye.SERVER_FULL;
      ch.writeAndFlush(Unpooled.copiedBuffer((irc ? codec : textCodec).goodbye(why), StandardCharsets.UTF_8))
        .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (tls) {
      // Lines are framed from what TLS decrypts. What is written waits in the channel's queue encrypted (the
      // handler encrypts each batch as it is flushed), and that queue is what the slow-consumer bounds
      // count: the bytes the socket still owes the client. Before the handshake, what is written waits
      // unencrypted in the handler, bounded by the login timeout.
      ch.pipeline().addLast("tls", node.tls().newHandler(ch.alloc()));
    }
    LineFraming.install(ch.pipeline(), irc ? IrcLine.MAX_LINE_BYTES : config.limits().maxLineBytes());
    Connection c = open(ch, remote, irc ? (tls ? " (IRC, TLS)" : " (IRC)") : tls ? " (TLS)" : "");
    if (irc) {
      // An IRC client speaks first; it is greeted once registered.
      c.speaks(codec);
      node.metrics().connected(NodeMetrics.Protocol.IRC);
    } else {
      connections.reply(c, ClientCodec.greeting(server));
    }
  }

  /** A connection past its admission, framed: {@code kind} says how it came, for the log. */
  private Connection open(Channel ch, InetSocketAddress remote, String kind) {
    Connection c = new Connection(sessionBase | ++sessionCounter, ch, remote, System.nanoTime(), flusher, config.limits());
    // The handler first: once the connection is counted, its close must be seen.
    ch.pipeline().addLast(new ConnectionHandler(c));
    connections.add(c);
    log.info("conn {} open: {}{}", c, c.remote(), kind);
    return c;
  }

  /**
   * Takes the channel of a WebSocket accepted on the HTTP port, admitted already (see
   * {@link EdgeNode#adoptWebSocket}), onto this instance's event loop if it is on another, and opens it as a
   * client connection speaking JSON lines, one per frame, from its first frame: it gets no greeting.
   */
  void adopt(Channel ch, InetSocketAddress remote, boolean tls) {
    EventLoop loop = VertxInternals.eventLoop(context);
    if (ch.eventLoop() == loop) {
      VertxInternals.emit(context, ch, c -> openWebSocket(c, remote, tls));
      return;
    }
    // Nothing is read while the channel moves; what the client sends meanwhile waits in its socket.
    ch.config().setAutoRead(false);
    ch.deregister().addListener(moved -> {
      if (!moved.isSuccess()) {
        node.limits().release(remote.getAddress());
        ch.unsafe().closeForcibly();
        return;
      }
      loop.register(ch).addListener(registered -> {
        if (registered.isSuccess()) {
          VertxInternals.emit(context, ch, c -> openWebSocket(c, remote, tls));
        } else {
          node.limits().release(remote.getAddress());
          ch.unsafe().closeForcibly();
        }
      });
    });
  }

  private void openWebSocket(Channel ch, InetSocketAddress remote, boolean tls) {
    if (!ch.isActive()) {
      node.limits().release(remote.getAddress());
      return;
    }
    WebSocketFraming.install(ch.pipeline(), config.limits().maxLineBytes());
    Connection c = open(ch, remote, tls ? " (WebSocket, TLS)" : " (WebSocket)");
    c.framed();
    c.speaks(jsonCodec);
    node.metrics().connected(NodeMetrics.Protocol.WEBSOCKET);
    if (stopping) {
      connections.goodbye(c, Goodbye.SHUTTING_DOWN, Goodbye.SHUTTING_DOWN.roomReason());
    }
    ch.config().setAutoRead(true);
  }

  /**
   * Hands a connection's lines, signals and end to the instance, on its Vert.x context (so that what they
   * do on the event bus and with timers belongs to this verticle).
   */
  private final class ConnectionHandler extends ChannelInboundHandlerAdapter implements Handler<Object> {
    private final Connection c;

    ConnectionHandler(Connection c) {
      this.c = c;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      VertxInternals.emit(context, msg, this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      VertxInternals.emit(context, CLOSED, this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      c.failed(cause);
      log.debug("conn {} failed: {}", c, cause.toString());
      ctx.close();
    }

    @Override
    public void handle(Object msg) {
      if (msg == CLOSED) {
        if (c.codec() != null && !c.closed()) {
          node.metrics().disconnected(protocol(c));
        }
        connections.closed(c);
      } else {
        onMessage(c, msg);
      }
    }
  }

  /** What the framing hands up: lines and signals, each counted against the rate limit as it arrives. */
  private void onMessage(Connection c, Object msg) {
    try {
      if (msg instanceof ByteBuf) {
        ByteBuf line = (ByteBuf) msg;
        try {
          if (c.open() && allowLine(c)) {
            String text = line.toString(StandardCharsets.UTF_8);
            // IRC says UTF8ONLY: a line that was not is read all the same, and its client warned.
            input(c, c.codec() instanceof IrcCodec && !ByteBufUtil.isText(line, StandardCharsets.UTF_8)
              ? new NotUtf8(text) : text);
          }
        } finally {
          line.release();
        }
      } else if (msg == LineFraming.Signal.LINE_TOO_LONG) {
        if (c.open() && allowLine(c)) {
          input(c, msg);
        }
      } else if (msg == LineFraming.Signal.ENDLESS_LINE) {
        // Not held behind a request like other input: nothing the client says after it can be read.
        if (c.open()) {
          node.metrics().dropped(NodeMetrics.Drop.TOO_LONG, 1);
          connections.goodbye(c, Goodbye.ENDLESS_LINE, Goodbye.ENDLESS_LINE.roomReason());
        }
      } else if (msg == LineFraming.Signal.INPUT_CLOSED) {
        input(c, msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    } catch (RuntimeException e) {
      log.error("conn {} failed on its input", c, e);
      c.channel.close();
    }
  }

  /** Handles a line or signal now, or keeps it while a request decides how it is to be read. */
  private void input(Connection c, Object in) {
    if (c.holding()) {
      c.hold(in);
    } else {
      handle(c, in);
    }
  }

  private void handle(Connection c, Object in) {
    if (in instanceof String line) {
      onLine(c, line);
    } else if (in instanceof NotUtf8 line) {
      onLine(c, line.text(), true);
    } else if (in instanceof ClientCommand rest) {
      commands.execute(c, rest);
    } else if (in == LineFraming.Signal.LINE_TOO_LONG) {
      node.metrics().dropped(NodeMetrics.Drop.TOO_LONG, 1);
      connections.reply(c, connections.codec(c).error(ErrorCode.TOO_LONG,
        "line too long (the limit is " + maxLineBytes(c) + " bytes); it was dropped", null));
    } else if (in == LineFraming.Signal.INPUT_CLOSED) {
      c.inputEnded();
      connections.checkInputDone(c);
    }
  }

  /** The request that held {@code c}'s input has been answered: handle what arrived meanwhile, in order. */
  private void released(Connection c) {
    c.stopHolding();
    for (Object in = c.holding() ? null : c.nextHeld(); in != null && c.open(); in = c.holding() ? null : c.nextHeld()) {
      if (!(in instanceof ClientCommand)) {
        // What is held next is not the rest of the command before it, which is answered, then.
        answered(c);
      }
      handle(c, in);
    }
    if (!c.holding()) {
      answered(c);
      c.resumeReading();
    }
  }

  /** Counts a line against the rate limit; false if the line must be dropped. */
  private boolean allowLine(Connection c) {
    long now = System.nanoTime();
    c.lineIn(now);
    if (c.bucket.tryTake(now)) {
      return true;
    }
    node.metrics().rateLimited();
    if (c.bucket.overFor(now) >= disconnectAfter) {
      connections.goodbye(c, Goodbye.FLOODING, Goodbye.FLOODING.roomReason());
    } else if (c.bucket.startedEpisode()) {
      // Once per episode, so that a flood does not make the server flood back.
      connections.tell(c, connections.codec(c).error(ErrorCode.RATE_LIMITED, "slow down", null));
    }
    return false;
  }

  /** An IRC client's line that was not valid UTF-8, its invalid bytes replaced. */
  private record NotUtf8(String text) {
  }

  private void onLine(Connection c, String line) {
    onLine(c, line, false);
  }

  private void onLine(Connection c, String line, boolean replaced) {
    if (c.codec() == null) {
      c.speaks(line.startsWith("{") ? jsonCodec : textCodec);
      node.metrics().connected(protocol(c));
    }
    String passwordFor = c.takePasswordFor();
    ClientCommand cmd = passwordFor != null && !c.loggedIn()
      ? new ClientCommand.Hello(passwordFor, "text", "Chatbus text client", line, null)
      : replaced ? ((IrcCodec) c.codec()).parse(line, c.loggedIn(), true) : c.codec().parse(line, c.loggedIn());
    if (cmd instanceof ClientCommand.Say || cmd instanceof ClientCommand.Msg) {
      node.metrics().messageIn(c.codec() == jsonCodec ? NodeMetrics.Source.JSON
        : c.codec() == textCodec ? NodeMetrics.Source.TEXT : NodeMetrics.Source.IRC);
    }
    commands.execute(c, cmd);
    if (!c.holding()) {
      answered(c);
    }
  }

  /** What {@code c} asked for is fully answered: anything held back for it goes now. */
  private void answered(Connection c) {
    String lines = c.open() && c.codec() != null ? c.codec().answered() : null;
    if (lines != null) {
      connections.tell(c, lines);
    }
  }

  /** The longest line {@code c} may send. */
  private int maxLineBytes(Connection c) {
    return c.codec() instanceof IrcCodec ? IrcLine.MAX_LINE_BYTES : config.limits().maxLineBytes();
  }

  /** What the router sends to this instance: private messages, and refusals of fire-and-forget commands. */
  private void onDirect(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof PrivateMessage pm) {
      onPrivateMessage(pm);
    } else if (body instanceof Invitation invitation) {
      Connection c = connections.get(invitation.toSession());
      if (c != null && c.open() && c.codec() != null) {
        connections.tell(c, c.codec().invited(invitation));
      }
    } else if (body instanceof Kill kill) {
      Connection c = connections.get(kill.session());
      if (c != null && c.open()) {
        connections.goodbye(c, Goodbye.KILLED, "killed by " + kill.by() + (kill.reason() == null ? "" : ": " + kill.reason()));
      }
    } else if (body instanceof NameLost lost) {
      Connection c = connections.get(lost.session());
      if (c != null && c.open()) {
        connections.goodbye(c, Goodbye.NAME_LOST, Goodbye.NAME_LOST.roomReason());
      }
    } else if (body instanceof Reply.Refused refused) {
      Connection c = connections.get(refused.session());
      if (c != null && c.open() && c.codec() != null) {
        connections.tell(c, c.codec().refused(refused));
      }
    }
  }

  private void onPrivateMessage(PrivateMessage pm) {
    Connection c = connections.get(pm.toSession());
    if (c == null || c.codec() == null) {
      return;
    }
    byte[] rendered = c.codec().privateMessage(pm).getBytes(StandardCharsets.UTF_8);
    Connection.Delivery d = c.deliver(rendered, System.nanoTime());
    if (d == Connection.Delivery.SENT) {
      node.metrics().delivered(1);
    } else if (d == Connection.Delivery.DROPPED || d == Connection.Delivery.OVERFLOW) {
      node.metrics().dropped(NodeMetrics.Drop.SLOW_CONSUMER, 1);
      if (d == Connection.Delivery.OVERFLOW) {
        connections.goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason());
      }
    }
  }

  private NodeMetrics.Protocol protocol(Connection c) {
    return c.frames() ? NodeMetrics.Protocol.WEBSOCKET : c.codec() == jsonCodec ? NodeMetrics.Protocol.JSON
      : c.codec() == textCodec ? NodeMetrics.Protocol.TEXT : NodeMetrics.Protocol.IRC;
  }

  /** A quarter of the shortest timeout, between 5 ms and 1 s: timeouts fire at most 25% late. */
  static Duration sweepInterval(ChatbusConfig.Limits limits, Duration pingAfter) {
    long shortest = Math.min(Math.min(limits.loginTimeout().toMillis(), pingAfter.toMillis()),
      Math.min(limits.idleTimeout().toMillis(), limits.slowConsumer().maxTime().toMillis()));
    return Duration.ofMillis(Math.max(5, Math.min(1000, shortest / 4)));
  }
}
