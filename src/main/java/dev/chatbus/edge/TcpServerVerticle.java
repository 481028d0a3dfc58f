package dev.chatbus.edge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.ClientCodec;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.protocol.JsonCodec;
import dev.chatbus.protocol.LineFraming;
import dev.chatbus.protocol.ServerInfo;
import dev.chatbus.protocol.TextCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge: owns client sockets on the text/JSON port. Deployed with one instance per event loop, all
 * listening on the same port; each instance serves the connections Vert.x hands it and touches them only
 * on its own event loop.
 * <p>
 * Consumes: {@link dev.chatbus.bus.RoomEvent}s on {@link Addresses#room} for the rooms its clients are
 * in, and {@link PrivateMessage}s and {@link Reply.Refused}s on its own {@link Addresses#edge} address. Sends
 * {@link dev.chatbus.bus.Command}s to the node's router.
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

  private final ChatbusConfig.Edge config;
  private final ServerInfo server;
  private final EdgeNode node;
  private final int instance;
  private final long sessionBase;

  private NetServer netServer;
  private ClientCodec textCodec;
  private ClientCodec jsonCodec;
  private FlushBatcher flusher;
  private Connections connections;
  private Commands commands;
  private long sessionCounter;
  private long sweepTimer;
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
    textCodec = new TextCodec(server);
    jsonCodec = new JsonCodec(server);
    String router = Addresses.router(server.node());
    String self = Addresses.edge(server.node(), instance);
    flusher = new FlushBatcher(((ContextInternal) context).nettyEventLoop());
    LocalRooms rooms = new LocalRooms(vertx.eventBus(), List.of(textCodec, jsonCodec),
      node, c -> connections.goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason()));
    connections = new Connections(vertx.eventBus(), router, rooms, node.limits(), textCodec, lim);
    commands = new Commands(vertx.eventBus(), router, self, rooms, connections, textCodec, config.rooms(),
      config.history(), this::released);
    disconnectAfter = lim.rate().disconnectAfter().toNanos();

    MessageConsumer<Object> direct = vertx.eventBus().consumer(self, this::onDirect);
    sweepTimer = vertx.setPeriodic(sweepInterval(lim).toMillis(), id -> connections.sweep(System.nanoTime()));

    NetServerOptions options = new NetServerOptions()
      .setHost(config.tcp().host())
      // A negative port makes every instance share one randomly chosen port.
      .setPort(config.tcp().port() == 0 ? -1 : config.tcp().port())
      .setTcpNoDelay(true)
      .setReuseAddress(true);
    if (config.tcp().sendBufferBytes() > 0) {
      options.setSendBufferSize(config.tcp().sendBufferBytes());
    }
    netServer = vertx.createNetServer(options).connectHandler(this::onConnect);
    return direct.completion().compose(v -> netServer.listen());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(sweepTimer);
    // The server's shutdown tells each socket goodbye and ends when all have closed or the grace period
    // is over; sockets still not drained by then are closed without waiting. Each socket's close handler,
    // which tells the router, runs just after: the edge is stopped once all of those have run too.
    return netServer.shutdown(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)
      .compose(v -> {
        connections.closeAllNow();
        return connections.allClosed();
      });
  }

  /** The port clients connect to (useful when configured as 0). */
  public int port() {
    return netServer.actualPort();
  }

  private void onConnect(NetSocket socket) {
    NetSocketInternal so = (NetSocketInternal) socket;
    ChannelHandlerContext ctx = so.channelHandlerContext();
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    if (stopping || !node.limits().tryAcquire(remote.getAddress())) {
      log.info("conn refused: {} ({})", so.remoteAddress(), stopping ? "shutting down" : "server full");
      Goodbye why = stopping ? Goodbye.SHUTTING_DOWN : Goodbye.SERVER_FULL;
      so.write(textCodec.goodbye(why)).eventually(so::close);
      return;
    }
    long now = System.nanoTime();
    Connection c = new Connection(sessionBase | ++sessionCounter, so, remote.getAddress(), now, flusher, config.limits());
    connections.add(c);
    // Half-closure lets a client that shuts down its sending side still read the answers to its last lines.
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    LineFraming.install(ctx.pipeline(), "handler", config.limits().maxLineBytes());
    so.messageHandler(msg -> onMessage(c, msg));
    so.exceptionHandler(err -> {
      c.failure = err;
      log.debug("conn {} failed: {}", c, err.toString());
    });
    so.closeHandler(v -> connections.closed(c));
    so.shutdownHandler(v -> connections.shutdown(c));
    log.info("conn {} open: {}", c, c.remote);
    connections.reply(c, ClientCodec.greeting(server));
  }

  /** What the framing hands up: lines and signals, each counted against the rate limit as it arrives. */
  private void onMessage(Connection c, Object msg) {
    try {
      if (msg instanceof ByteBuf) {
        ByteBuf line = (ByteBuf) msg;
        try {
          if (c.open() && allowLine(c)) {
            input(c, line.toString(StandardCharsets.UTF_8));
          }
        } finally {
          line.release();
        }
      } else if (msg == LineFraming.Signal.LINE_TOO_LONG) {
        if (c.open() && allowLine(c)) {
          input(c, msg);
        }
      } else if (msg == LineFraming.Signal.INPUT_CLOSED) {
        input(c, msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    } catch (RuntimeException e) {
      log.error("conn {} failed on its input", c, e);
      c.ctx.close();
    }
  }

  /** Handles a line or signal now, or keeps it while a request decides how it is to be read. */
  private void input(Connection c, Object in) {
    if (c.holding) {
      c.hold(in);
    } else {
      handle(c, in);
    }
  }

  private void handle(Connection c, Object in) {
    if (in instanceof String) {
      onLine(c, (String) in);
    } else if (in == LineFraming.Signal.LINE_TOO_LONG) {
      connections.reply(c, connections.codec(c).error(ErrorCode.TOO_LONG,
        "line too long (the limit is " + config.limits().maxLineBytes() + " bytes); it was dropped", null));
    } else if (in == LineFraming.Signal.INPUT_CLOSED) {
      c.inputClosed = true;
      connections.checkInputDone(c);
    }
  }

  /** The request that held {@code c}'s input has been answered: handle what arrived meanwhile, in order. */
  private void released(Connection c) {
    c.holding = false;
    for (Object in = c.nextHeld(); in != null && c.open(); in = c.holding ? null : c.nextHeld()) {
      handle(c, in);
    }
    if (!c.holding) {
      c.resumeReading();
    }
  }

  /** Counts a line against the rate limit; false if the line must be dropped. */
  private boolean allowLine(Connection c) {
    long now = System.nanoTime();
    c.lastActive = now;
    c.linesIn++;
    if (c.bucket.tryTake(now)) {
      return true;
    }
    if (c.bucket.overFor(now) >= disconnectAfter) {
      connections.goodbye(c, Goodbye.FLOODING, Goodbye.FLOODING.roomReason());
    } else if (c.bucket.startedEpisode()) {
      // Once per episode, so that a flood does not make the server flood back.
      connections.reply(c, connections.codec(c).error(ErrorCode.RATE_LIMITED, "slow down", null));
    }
    return false;
  }

  private void onLine(Connection c, String line) {
    if (c.codec == null) {
      c.codec = line.startsWith("{") ? jsonCodec : textCodec;
    }
    commands.execute(c, c.codec.parse(line, c.loggedIn()));
  }

  /** What the router sends to this instance: private messages, and refusals of fire-and-forget commands. */
  private void onDirect(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof PrivateMessage) {
      onPrivateMessage((PrivateMessage) body);
    } else if (body instanceof Reply.Refused) {
      Reply.Refused refused = (Reply.Refused) body;
      Connection c = connections.get(refused.session());
      if (c != null && c.open() && c.codec != null) {
        connections.reply(c, c.codec.error(ErrorCode.ofCode(refused.code()), refused.message(), null));
      }
    }
  }

  private void onPrivateMessage(PrivateMessage pm) {
    Connection c = connections.get(pm.toSession());
    if (c == null || c.codec == null) {
      return;
    }
    byte[] rendered = c.codec.privateMessage(pm).getBytes(StandardCharsets.UTF_8);
    if (c.deliver(rendered, System.nanoTime()) == Connection.Delivery.OVERFLOW) {
      connections.goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason());
    }
  }

  /** A quarter of the shortest timeout, between 5 ms and 1 s: timeouts fire at most 25% late. */
  static Duration sweepInterval(ChatbusConfig.Limits limits) {
    long shortest = Math.min(limits.loginTimeout().toMillis(),
      Math.min(limits.idleTimeout().toMillis(), limits.slowConsumer().maxTime().toMillis()));
    return Duration.ofMillis(Math.max(5, Math.min(1000, shortest / 4)));
  }
}
