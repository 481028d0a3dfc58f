package dev.chatbus.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One thread of the load generator: a selector over its share of the clients. It registers them, sends
 * for its senders (as fast as their windows allow, or on a schedule), and reads what the server delivers,
 * keeping its own counts and latency histogram so that threads share nothing on the hot path but the
 * senders' completion counters.
 */
final class IoLoop implements Runnable {

  /** The last stamp read from a delivered message. */
  private final Stamp received = new Stamp();
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(120);

  private final Workload work;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<Sender> senders = new ArrayList<>();
  private final ByteBuffer in = ByteBuffer.allocateDirect(256 << 10);
  /** What {@link #in} holds, copied out in one go: scanning an array costs less than a buffer. */
  private final byte[] buf = new byte[in.capacity()];
  private final ByteBuffer out = ByteBuffer.allocateDirect(64 << 10);
  private final byte[] payload;
  private volatile boolean running = true;
  /** This loop's receivers of each sender's messages. */
  private int[] expectedHere = new int[0];
  /** Receipts by this loop's receivers, by sender and sequence number modulo {@link #SLOTS}. */
  private int[][] receiptsHere = new int[0][];

  /** The most messages a sender may have outstanding, whatever its window or rate. */
  static final int SLOTS = 4096;

  // Counted by this thread only; read once it has stopped.
  final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
  /** How long each of this loop's clients waited for its join to be answered, in microseconds. */
  final Histogram joins = new Histogram(HIGHEST_MICROS, 3);
  long deliveries;
  long lost;
  long outOfOrder;

  IoLoop(Workload work, int number) throws IOException {
    this.work = work;
    this.selector = Selector.open();
    this.payload = new byte[Math.max(work.payloadBytes, 64)];
    this.thread = new Thread(this, "bench-io-" + number);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    selector.wakeup();
    thread.join(10_000);
  }

  void wake() {
    selector.wakeup();
  }

  /** Before any sending: this loop has one more receiver of {@code sender}'s messages. */
  void expect(int sender, int senders) {
    if (expectedHere.length < senders) {
      expectedHere = Arrays.copyOf(expectedHere, senders);
      receiptsHere = Arrays.copyOf(receiptsHere, senders);
    }
    if (expectedHere[sender]++ == 0) {
      receiptsHere[sender] = new int[SLOTS];
    }
  }

  /** True if this loop has receivers of {@code sender}'s messages. */
  boolean expects(int sender) {
    return sender < expectedHere.length && expectedHere[sender] > 0;
  }

  void addSender(Sender s) {
    tasks.add(() -> senders.add(s));
    selector.wakeup();
  }

  /** Connects {@code c} from {@code source} (null for any) and registers it. */
  void connect(Client c, InetSocketAddress source) {
    tasks.add(() -> {
      try {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (source != null) {
          ch.bind(source);
        }
        c.channel = ch;
        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
        if (ch.connect(work.servers.get(c.index % work.servers.size()))) {
          connected(c);
        }
      } catch (IOException e) {
        fail(c, e);
      }
    });
    selector.wakeup();
  }

  /** Closes every client of this loop; run from another thread once the loop has stopped. */
  void closeAll() {
    for (SelectionKey k : selector.keys()) {
      try {
        k.channel().close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void run() {
    try {
      while (running) {
        if (work.ratePerSender > 0 && work.sending) {
          selector.select(1);
        } else {
          selector.select(100);
        }
        for (Runnable t; (t = tasks.poll()) != null; ) {
          t.run();
        }
        var keys = selector.selectedKeys();
        for (SelectionKey k : keys) {
          Client c = (Client) k.attachment();
          if (!k.isValid()) {
            continue;
          }
          try {
            if (k.isConnectable()) {
              if (c.channel.finishConnect()) {
                connected(c);
              }
            } else {
              if (k.isWritable()) {
                writePending(c);
              }
              if (k.isValid() && k.isReadable()) {
                read(c);
              }
            }
          } catch (IOException e) {
            fail(c, e);
          }
        }
        keys.clear();
        if (work.sending) {
          long now = System.nanoTime();
          for (int i = 0; i < senders.size(); i++) {
            pump(senders.get(i), now);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      work.failed(e);
    }
  }

  private void connected(Client c) throws IOException {
    c.key.interestOps(SelectionKey.OP_READ);
    if (work.tls != null) {
      // Registration waits for the handshake, which starts with the client's hello.
      c.tls = new TlsPipe(work.tls, work.servers.get(c.index % work.servers.size()));
      rawWrite(c, c.tls.handshake());
      return;
    }
    registering(c);
  }

  private void registering(Client c) throws IOException {
    c.state = Client.State.REGISTERING;
    send(c, work.protocol.register(c.name));
  }

  private void fail(Client c, IOException e) {
    if (c.state == Client.State.CLOSED) {
      return;
    }
    Client.State was = c.state;
    c.state = Client.State.CLOSED;
    if (c.key != null) {
      c.key.cancel();
    }
    try {
      if (c.channel != null) {
        c.channel.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
    work.closed(c, was, e == null ? "closed by the server" : e.toString());
  }

  private void read(Client c) throws IOException {
    in.clear();
    if (c.partial != null) {
      in.put(c.partial);
      c.partial = null;
    }
    int n = c.channel.read(c.tls == null ? in : c.tls.netIn);
    if (n < 0 || (c.tls != null && !decrypt(c))) {
      fail(c, null);
      return;
    }
    if (c.state == Client.State.CLOSED) {
      return;
    }
    in.flip();
    if (c.frames != null) {
      int unframed = c.frames.unframe(in, buf);
      if (unframed < 0) {
        fail(c, null);
      } else {
        lines(c, unframed);
      }
      return;
    }
    in.get(buf, 0, in.limit());
    lines(c, in.limit());
  }

  /**
   * Decrypts what {@code c} read into {@link #in}, sending what the handshake needs meanwhile, and registers
   * the client once the handshake is over; returns false once the server has closed the connection.
   */
  private boolean decrypt(Client c) throws IOException {
    boolean open;
    boolean answered;
    do {
      open = c.tls.unwrap(in);
      ByteBuffer handshake = c.tls.handshake();
      // The handshake sent something: what was read after it may be readable now.
      answered = handshake.hasRemaining();
      if (answered) {
        rawWrite(c, handshake);
      }
    } while (open && answered && c.state != Client.State.CLOSED);
    if (open && c.state == Client.State.CONNECTING && c.tls.established()) {
      registering(c);
    }
    return open;
  }

  /** Hands every complete line in {@link #buf} to {@link #line}, and keeps the rest for the next read. */
  private void lines(Client c, int limit) throws IOException {
    byte[] b = buf;
    int start = 0;
    for (int i = 0; i < limit; i++) {
      byte x = b[i];
      if (x == '~' && c.state == Client.State.READY && i + Stamp.MARK.length < limit && b[i + 1] == '~' && b[i + 2] == 'b'
        && b[i + 3] == ' ') {
        // A benchmark message: its payload has a known length, so its line ending need not be looked for.
        int end = i + work.payloadBytes;
        int next = end < limit && b[end] == '\r' ? end + 1 : end;
        if (next < limit && b[next] == '\n') {
          delivered(c, i + Stamp.MARK.length, end);
          start = next + 1;
          i = next;
          continue;
        }
      }
      if (x == '\n') {
        int end = i > start && b[i - 1] == '\r' ? i - 1 : i;
        line(c, start, end);
        start = i + 1;
        if (c.state == Client.State.CLOSED) {
          return;
        }
      }
    }
    if (start < limit) {
      if (limit - start >= b.length / 2) {
        throw new IOException("a line from the server is longer than " + b.length / 2 + " bytes");
      }
      c.partial = Arrays.copyOfRange(b, start, limit);
    }
  }

  private void line(Client c, int start, int end) throws IOException {
    if (c.state == Client.State.READY) {
      int mark = Stamp.indexOf(buf, start, end);
      if (mark >= 0) {
        delivered(c, mark + Stamp.MARK.length, end);
        return;
      }
      if (end > start && work.protocol.mayNeedAnswer(buf[start])) {
        String answer = work.protocol.answer(string(start, end));
        if (answer != null) {
          send(c, answer);
        }
      }
      return;
    }
    String line = string(start, end);
    Protocol p = work.protocol;
    String hello = c.frames == null ? p.hello(c.name) : null;
    if (hello != null) {
      // The answer to a WebSocket upgrade, up to its empty line: frames from then on, the first our hello.
      if (line.startsWith("HTTP/") && !line.startsWith("HTTP/1.1 101")) {
        work.refused(c, line);
        fail(c, new IOException("refused: " + line));
      } else if (line.isEmpty()) {
        c.frames = new WsFrames();
        send(c, hello);
      }
      return;
    }
    String answer = p.answer(line);
    if (answer != null) {
      send(c, answer);
    } else if (c.state == Client.State.REGISTERING && p.registered(line)) {
      String join = c.receives ? p.join(c.room, c.room.equals(work.defaultRoom)) : null;
      if (join == null) {
        ready(c);
      } else {
        c.state = Client.State.JOINING;
        c.joinSentAt = System.nanoTime();
        send(c, join);
      }
    } else if (c.state == Client.State.JOINING && p.joined(line)) {
      joins.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - c.joinSentAt) / 1000));
      ready(c);
    } else if (p.refused(line)) {
      work.refused(c, line);
      fail(c, new IOException("refused: " + line));
    }
  }

  private void ready(Client c) {
    c.state = Client.State.READY;
    work.ready(c);
  }

  private String string(int start, int end) {
    return new String(buf, start, end - start, StandardCharsets.UTF_8);
  }

  /** A benchmark message reached {@code c}: {@code SENDER SEQ NANOS ...} starts at {@code pos}. */
  private void delivered(Client c, int pos, int end) {
    long now = System.nanoTime();
    received.read(buf, pos, end);
    int s = received.sender;
    long seq = received.seq;
    long sentAt = received.sentAt;
    Sender sender = work.senders[s];
    long last = c.lastSeq[s];
    if (seq <= last) {
      outOfOrder++;
    } else {
      if (seq > last + 1) {
        lost += seq - last - 1;
      }
      c.lastSeq[s] = seq;
    }
    if (now >= work.measureFrom && now < work.measureUntil) {
      deliveries++;
      if (sentAt >= work.measureFrom) {
        latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (now - sentAt) / 1000)));
      }
    }
    int[] receipts = receiptsHere[s];
    int slot = (int) (seq % SLOTS);
    if (++receipts[slot] == expectedHere[s]) {
      receipts[slot] = 0;
      sender.received(seq);
    }
  }

  /** Sends what {@code s} may send now: up to its window, or what its schedule says is due. */
  private void pump(Sender s, long now) throws IOException {
    Client c = s.client;
    if (c.state != Client.State.READY || c.pending != null) {
      return;
    }
    long room = s.capacity() - s.outstanding();
    long n;
    if (work.ratePerSender > 0) {
      // Each sender's schedule is offset by its share of one interval, so that the senders' messages are
      // spread evenly over time instead of all leaving at the same instant.
      long due = (long) ((now - work.sendingFrom) * work.ratePerSender / 1e9 + (double) s.index / work.senders.length);
      n = Math.min(due - s.sent, room);
    } else {
      n = Math.min(work.window - s.outstanding(), room);
      if (n <= 0) {
        s.parked = true;
        // A completion between the test and parking would not wake this loop: look again.
        n = Math.min(work.window - s.outstanding(), room);
        if (n <= 0) {
          return;
        }
        s.parked = false;
      }
    }
    if (n <= 0) {
      return;
    }
    out.clear();
    int each = work.protocol.messageBytes(s.room.length, work.payloadBytes + 64);
    long seq = s.sent;
    long stamp = System.nanoTime();
    for (long k = 0; k < n && out.remaining() >= each; k++) {
      int len = Stamp.write(payload, work.payloadBytes, s.index, seq++, stamp);
      work.protocol.message(out, s.room, payload, len);
    }
    s.sent = seq;
    out.flip();
    write(c, out);
  }

  private void send(Client c, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (c.frames == null) {
      write(c, ByteBuffer.wrap(bytes));
      return;
    }
    ByteBuffer framed = ByteBuffer.allocate(bytes.length + WsFrames.OVERHEAD);
    WsFrames.header(framed, bytes.length);
    framed.put(bytes).flip();
    write(c, framed);
  }

  /** Sends {@code b}, encrypted over TLS; what the socket does not take waits. */
  private void write(Client c, ByteBuffer b) throws IOException {
    rawWrite(c, c.tls == null ? b : c.tls.wrap(b));
  }

  /** Sends {@code b} as it is; what the socket does not take waits. */
  private void rawWrite(Client c, ByteBuffer b) throws IOException {
    if (c.pending != null) {
      c.pending = concat(c.pending, b);
      return;
    }
    c.channel.write(b);
    if (b.hasRemaining()) {
      ByteBuffer rest = ByteBuffer.allocate(b.remaining());
      rest.put(b).flip();
      c.pending = rest;
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private void writePending(Client c) throws IOException {
    if (c.pending == null) {
      return;
    }
    c.channel.write(c.pending);
    if (!c.pending.hasRemaining()) {
      c.pending = null;
      c.key.interestOps(SelectionKey.OP_READ);
    }
  }

  private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
    ByteBuffer joined = ByteBuffer.allocate(a.remaining() + b.remaining());
    joined.put(a).put(b).flip();
    return joined;
  }
}
