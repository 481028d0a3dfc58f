package dev.chatbus.faults;

import dev.chatbus.cluster.Ring;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault harness: three Chatbus nodes (processes of this jar) clustered over one PostgreSQL history, each
 * in a network namespace of its own where the machine allows it ({@link Network}), a workload of people
 * saying things in one room, a fault injected on a schedule, and a checker of what the clients saw against
 * what the store holds, in the manner of Jepsen.
 * <p>
 * The workload: four senders each saying a numbered line every 60 ms into a room owned by the second node,
 * JSON on the client port of the first node and over the WebSocket of the third (both acknowledged once
 * stored), text on the client port of the third and IRC on the IRC port of the first (not acknowledged);
 * and an observer on the first and on the third node, each recording the room's messages in the order it
 * saw them. The faults ({@link
 * Scenario}), each on the room's owner, as many rounds as asked: killed, paused past the failure detector,
 * cut off from the other nodes, its link made slow and lossy, killed again as it takes its rooms back; and
 * PostgreSQL restarted (through {@link StoreProxy}, the nodes' way to it). The checker then reads the
 * room's history and counts, for the acknowledged senders: acknowledged, lost (acknowledged, not stored),
 * reordered (a sender's acknowledged messages out of its order in the history), refused (an error instead
 * of an ack), unanswered; for the others: stored, answered by an error line, and lost without a word;
 * duplicated (stored twice); whether what each observer shows is in the history's order; and whether both
 * saw what each sender said after the faults.
 *
 * <pre>
 * java -cp chatbus.jar dev.chatbus.faults.FaultHarness [--scenario all|kill-owner,...] [--rounds 2]
 *     [--net netns|loopback] [--pg jdbc:postgresql://127.0.0.1:5432/postgres] [--pg-user postgres] [--dir target/faults]
 * </pre>
 *
 * The database {@code chatbus_faults} is made afresh on that server for each scenario. Prints one verdict
 * line per scenario and exits with 0 if all passed, 1 if not. Every node it started, and every namespace and
 * link, is gone before it exits.
 */
public final class FaultHarness {

  private static final int BASE_PORT = 7300;
  /** Where the harness's way to PostgreSQL listens ({@link StoreProxy}). */
  private static final int STORE_PORT = 7399;
  private static final long SAY_EVERY_MS = 60;
  private static final String DATABASE = "chatbus_faults";

  private final Map<String, String> args;
  private final Path dir;
  private final String jar;
  private final String pgAdminUrl;
  private final String pgUser;
  private final String pgUrl;
  private final String[] nodes = {"node-a", "node-b", "node-c"};
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Network net;
  private final StoreProxy store;

  private FaultHarness(Map<String, String> args, Network net) throws Exception {
    this.args = args;
    this.net = net;
    this.dir = Path.of(args.getOrDefault("dir", "target/faults"));
    this.jar = Path.of(FaultHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    this.pgAdminUrl = args.getOrDefault("pg", "jdbc:postgresql://127.0.0.1:5432/postgres");
    this.pgUser = args.getOrDefault("pg-user", "postgres");
    this.pgUrl = pgAdminUrl.substring(0, pgAdminUrl.lastIndexOf('/') + 1) + DATABASE;
    URI server = URI.create(pgAdminUrl.substring("jdbc:".length()));
    this.store = new StoreProxy(net.gateway(), STORE_PORT,
      new InetSocketAddress(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort()));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + argv[i]);
      }
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    int rounds = Integer.parseInt(args.getOrDefault("rounds", "2"));
    List<String> asked = List.of(args.getOrDefault("scenario", "all").split(","));
    String wanted = args.getOrDefault("net", Network.namespacesAllowed() ? "netns" : "loopback");
    boolean passed = true;
    try (Network net = wanted.equals("netns") ? Network.namespaces(3) : Network.loopback()) {
      log("nodes " + (net.faults() ? "each in a network namespace of its own, joined by a bridge"
        : "on loopback: no partitions or slow links"));
      for (Scenario scenario : Scenario.values()) {
        if (!asked.contains("all") && !asked.contains(scenario.label)) {
          continue;
        }
        if (scenario.network && !net.faults()) {
          log(scenario.label + ": skipped, it needs network namespaces (root, ip)");
          continue;
        }
        // Each scenario's nodes log to a directory of its own.
        Map<String, String> own = new HashMap<>(args);
        own.put("dir", Path.of(args.getOrDefault("dir", "target/faults"), scenario.label).toString());
        FaultHarness h = new FaultHarness(own, net);
        try {
          passed &= h.run(scenario, rounds);
        } finally {
          h.stopAll();
          net.heal(3);
        }
      }
    }
    System.exit(passed ? 0 : 1);
  }

  /** The faults injected on the room's owner, one scenario each. */
  enum Scenario {
    /** Killed with SIGKILL, and started again once the others have taken its rooms up. */
    KILL_OWNER("kill-owner", false),
    /** Paused with SIGSTOP past the failure detector (10 s), the others taking its rooms up, then resumed. */
    PAUSE_OWNER("pause-owner", false),
    /** Cut off from the other nodes (not from clients or the store) for 20 s, then let back. */
    PARTITION_OWNER("partition-owner", true),
    /** Its link slow and lossy (256 kbit/s, packets dropped past 100 ms of waiting) for 20 s. */
    SLOW_OWNER("slow-owner", true),
    /** PostgreSQL restarted under load: every connection to it cut, and new ones refused for 5 s. */
    STORE_RESTART("store-restart", false),
    /** Killed, started again, and killed again just as it takes its rooms back from the others. */
    KILL_TAKING_OVER("kill-taking-over", false);

    final String label;
    /** Whether it needs network namespaces. */
    final boolean network;

    Scenario(String label, boolean network) {
      this.label = label;
      this.network = network;
    }
  }

  private static int port(int node) {
    return BASE_PORT + 10 * node;
  }

  /** Runs the workload through {@code rounds} of {@code scenario}'s fault; true if the checker passed it. */
  private boolean run(Scenario scenario, int rounds) throws Exception {
    Files.createDirectories(dir);
    freshDatabase();
    for (int i = 0; i < nodes.length; i++) {
      start(i);
    }
    Ring ring = Ring.of(nodes[0]).with(nodes[1]).with(nodes[2]);
    String room = null;
    for (int i = 0; room == null; i++) {
      if (ring.owner("faults" + i).equals(nodes[1])) {
        room = "faults" + i;
      }
    }
    log("room #" + room + " is owned by " + nodes[1]);

    Observer first = new Observer(net.host(0), port(0), "watcher-a", room);
    Observer third = new Observer(net.host(2), port(2), "watcher-c", room);
    List<Sender> senders = List.of(
      new JsonSender(net.host(0), port(0), "jsonsender", room),
      new WsSender(net.host(2), port(2) + 1, "wssender", room),
      new TextSender(net.host(2), port(2), "textsender", room),
      new IrcSender(net.host(0), port(0) + 2, "ircsender", room));
    List<Thread> threads = new ArrayList<>(List.of(first.start(), third.start()));
    senders.forEach(sender -> threads.add(sender.start()));

    Thread.sleep(3_000);
    for (int round = 1; round <= rounds; round++) {
      Process owner = processes.get(nodes[1]);
      switch (scenario) {
        case KILL_OWNER -> {
          log("round " + round + ": killing " + nodes[1] + " (SIGKILL)");
          owner.destroyForcibly().waitFor();
          Thread.sleep(10_000);
          log("round " + round + ": starting " + nodes[1] + " again");
          start(1);
        }
        case PAUSE_OWNER -> {
          log("round " + round + ": pausing " + nodes[1] + " (SIGSTOP) for 15 s");
          signal(owner, "STOP");
          Thread.sleep(15_000);
          log("round " + round + ": resuming " + nodes[1] + " (SIGCONT)");
          signal(owner, "CONT");
        }
        case PARTITION_OWNER -> {
          log("round " + round + ": cutting " + nodes[1] + " off from the other nodes for 20 s");
          net.isolate(1, nodes.length);
          Thread.sleep(20_000);
          log("round " + round + ": letting " + nodes[1] + " back");
          net.heal(nodes.length);
          // Hazelcast merges the two sides within 10 to 20 s.
          Thread.sleep(20_000);
        }
        case SLOW_OWNER -> {
          log("round " + round + ": slowing " + nodes[1] + "'s link to 256 kbit/s, dropping past 100 ms, for 20 s");
          net.slow(1, "256kbit", 100);
          Thread.sleep(20_000);
          log("round " + round + ": " + nodes[1] + "'s link is fast again");
          net.fast(1);
        }
        case STORE_RESTART -> {
          log("round " + round + ": restarting PostgreSQL (connections cut, refused for 5 s)");
          store.restart(5_000);
          log("round " + round + ": PostgreSQL is back");
        }
        case KILL_TAKING_OVER -> {
          log("round " + round + ": killing " + nodes[1] + " (SIGKILL)");
          owner.destroyForcibly().waitFor();
          Thread.sleep(10_000);
          log("round " + round + ": starting " + nodes[1] + " again, and killing it as it takes its rooms back");
          start(1);
          Thread.sleep(300);
          processes.get(nodes[1]).destroyForcibly().waitFor();
          Thread.sleep(10_000);
          log("round " + round + ": starting " + nodes[1] + " again");
          start(1);
        }
      }
      Thread.sleep(5_000);
    }
    // Delivery resumes after the faults: what is said from now on reaches every observer.
    Map<Sender, Integer> after = new HashMap<>();
    senders.forEach(sender -> after.put(sender, sender.sent.get()));
    Thread.sleep(3_000);
    senders.forEach(sender -> sender.stop = true);
    // Acks of what was said last, and its deliveries.
    Thread.sleep(5_000);
    first.stop = true;
    third.stop = true;
    for (Thread t : threads) {
      t.join(15_000);
    }
    return check(scenario.label + " x" + rounds, room, senders, List.of(first, third), after);
  }

  private static void signal(Process p, String signal) throws Exception {
    int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
    }
  }

  private void freshDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(pgAdminUrl, pgUser, args.getOrDefault("pg-password", ""));
         Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE);
      s.execute("CREATE DATABASE " + DATABASE);
    }
  }

  private void start(int i) throws Exception {
    String name = nodes[i];
    String host = net.host(i);
    String storeUrl = "jdbc:postgresql://" + net.gateway() + ":" + store.port() + "/" + DATABASE;
    JsonObject conf = new JsonObject()
      .put("node", new JsonObject().put("name", name))
      .put("tcp", new JsonObject().put("host", host).put("port", port(i)).put("tlsPort", -1))
      .put("irc", new JsonObject().put("host", host).put("port", port(i) + 2).put("tlsPort", -1))
      .put("bridge", new JsonObject().put("enabled", false))
      .put("http", new JsonObject().put("host", host).put("port", port(i) + 1).put("tlsPort", -1))
      .put("limits", new JsonObject().put("rate", new JsonObject().put("linesPerSecond", 1000).put("burst", 1000)))
      .put("cluster", new JsonObject().put("enabled", true).put("name", "chatbus-faults").put("interface", host)
        .put("members", new JsonArray(net.members(nodes.length))).put("expectedSize", nodes.length))
      .put("persistence", new JsonObject().put("store", "postgresql").put("postgresql", new JsonObject()
        .put("url", storeUrl).put("user", pgUser).put("password", args.getOrDefault("pg-password", ""))));
    Path log = dir.resolve(name + ".log");
    long before = Files.exists(log) ? Files.size(log) : 0;
    Process p = new ProcessBuilder(net.inNode(i, List.of(java(), "-jar", jar, "-conf", conf.encode())))
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.put(name, p);
    String listening = "listening on " + host + ":" + port(i);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited; see " + log);
      }
      String written = Files.readString(log);
      if (written.length() > before && written.substring((int) before).contains(listening)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " did not start within 90 s; see " + log);
  }

  /** The java that runs this harness, for the nodes. */
  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void stopAll() {
    for (Process p : processes.values()) {
      p.destroy();
    }
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
    // Last: the nodes write what they hold on their way out.
    store.close();
  }

  private static void log(String line) {
    System.out.println("faults: " + line);
  }

  // ----- the clients

  /** A client on a real socket, connected again when its node goes away. */
  private abstract static class Client implements Runnable {
    final String host;
    final int port;
    final String name;
    final String room;
    volatile boolean stop;
    /** Why the client stopped before it was told to, if it did: its node's clients stay connected throughout. */
    volatile String cutOff;
    Socket socket;
    BufferedReader in;
    OutputStream out;

    Client(String host, int port, String name, String room) {
      this.host = host;
      this.port = port;
      this.name = name;
      this.room = room;
    }

    Thread start() {
      Thread t = new Thread(this, "faults-" + name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    void connect() throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), 5_000);
      // The greeting may take a while on a loaded machine; later reads are polls.
      socket.setSoTimeout(10_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
      in.readLine();
      socket.setSoTimeout(200);
    }

    /** Connects, logs in as a JSON client and enters the room. */
    void enterAsJson() throws IOException {
      connect();
      send(new JsonObject().put("op", "hello").put("name", name).encode());
      send(new JsonObject().put("op", "join").put("room", room).encode());
    }

    void send(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** The next line, or null if none came within 200 ms. */
    String poll() throws IOException {
      try {
        String line = in.readLine();
        if (line == null) {
          throw new IOException("closed by the server");
        }
        return line;
      } catch (java.net.SocketTimeoutException e) {
        return null;
      }
    }
  }

  /** A message as an observer saw it. */
  private record Seen(long epoch, long seq, String text) {
  }

  /** Records the room's messages as a JSON client on one node sees them, in order. */
  private static final class Observer extends Client {
    /** The room's messages as they came, with their epochs and numbers. */
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    Observer(String host, int port, String name, String room) {
      super(host, port, name, room);
    }

    @Override
    public void run() {
      try {
        enterAsJson();
        while (!stop) {
          String line = poll();
          if (line != null && line.startsWith("{")) {
            JsonObject o = new JsonObject(line);
            if ("message".equals(o.getString("type")) && room.equals(o.getString("room"))) {
              seen.add(new Seen(o.getLong("epoch"), o.getLong("seq"), o.getString("text")));
            }
          }
        }
      } catch (IOException e) {
        cutOff = e.getMessage();
        log(name + " stopped observing: " + e.getMessage());
      }
    }
  }

  /**
   * A client that says "PREFIX-1", "PREFIX-2", ... every 60 ms into the room: one whose messages are
   * acknowledged (JSON, over TCP or a WebSocket) records each answer by its number; one whose are not (text,
   * IRC) records the error lines it is told.
   */
  private abstract static class Sender extends Client {
    final String kind;
    final String prefix;
    final boolean acked;
    final AtomicInteger sent = new AtomicInteger();
    /** By number: "ack", or the error code. */
    final Map<Integer, String> answers = new ConcurrentHashMap<>();
    final List<String> errors = new CopyOnWriteArrayList<>();

    Sender(String kind, String prefix, boolean acked, String host, int port, String name, String room) {
      super(host, port, name, room);
      this.kind = kind;
      this.prefix = prefix;
      this.acked = acked;
    }

    /** The next line's number, counted as said. */
    int next() {
      return sent.incrementAndGet();
    }

    /**
     * Whether to go on: until stopped, then (when acknowledged) until the last answers came, or 5 s after
     * {@code stopped} (when it saw it was stopped; {@code Long.MAX_VALUE} until then).
     */
    boolean going(long stopped) {
      return !stop || acked && answers.size() < sent.get()
        && (stopped == Long.MAX_VALUE || System.currentTimeMillis() < stopped + 5_000);
    }

    /** A JSON line's answer to a numbered say, if it is one. */
    void answer(JsonObject o) {
      if (o.getValue("ref") instanceof Integer ref && ("ack".equals(o.getString("type"))
        || "error".equals(o.getString("type")))) {
        answers.put(ref, "ack".equals(o.getString("type")) ? "ack" : o.getString("code"));
      }
    }

    void error(String line) {
      errors.add(line);
      log(name + " was told: " + line);
    }
  }

  /** A JSON client on the client port, with durable acks. */
  private static final class JsonSender extends Sender {
    JsonSender(String host, int port, String name, String room) {
      super("json", "j-", true, host, port, name, room);
    }

    @Override
    public void run() {
      try {
        enterAsJson();
        long next = System.currentTimeMillis();
        long stopped = Long.MAX_VALUE;
        while (going(stopped)) {
          if (stop) {
            stopped = Math.min(stopped, System.currentTimeMillis());
          } else if (System.currentTimeMillis() >= next) {
            int n = next();
            send(new JsonObject().put("op", "say").put("room", room).put("text", prefix + n).put("ref", n).encode());
            next += SAY_EVERY_MS;
          }
          String line = poll();
          if (line != null && line.startsWith("{")) {
            answer(new JsonObject(line));
          }
        }
      } catch (IOException e) {
        cutOff = e.getMessage();
        log(name + " stopped: " + e.getMessage());
      }
    }
  }

  /** A JSON client on the WebSocket of the HTTP port, as the web client speaks, with durable acks. */
  private static final class WsSender extends Sender {
    WsSender(String host, int httpPort, String name, String room) {
      super("websocket", "w-", true, host, httpPort, name, room);
    }

    @Override
    public void run() {
      BlockingQueue<String> in = new LinkedBlockingQueue<>();
      WebSocket.Listener listener = new WebSocket.Listener() {
        private final StringBuilder frame = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          frame.append(data);
          if (last) {
            in.add(frame.toString());
            frame.setLength(0);
          }
          ws.request(1);
          return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
          in.add("closed " + status + " " + reason);
          return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
          in.add("closed " + error);
        }
      };
      try {
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create("ws://" + host + ":" + port + "/ws"), listener).get(10, TimeUnit.SECONDS);
        ws.sendText(new JsonObject().put("op", "hello").put("name", name).encode(), true).get(10, TimeUnit.SECONDS);
        ws.sendText(new JsonObject().put("op", "join").put("room", room).encode(), true).get(10, TimeUnit.SECONDS);
        long next = System.currentTimeMillis();
        long stopped = Long.MAX_VALUE;
        while (going(stopped)) {
          if (stop) {
            stopped = Math.min(stopped, System.currentTimeMillis());
          } else if (System.currentTimeMillis() >= next) {
            int n = next();
            ws.sendText(new JsonObject().put("op", "say").put("room", room).put("text", prefix + n).put("ref", n).encode(),
              true).get(10, TimeUnit.SECONDS);
            next += SAY_EVERY_MS;
          }
          String text = in.poll(20, TimeUnit.MILLISECONDS);
          if (text != null && text.startsWith("closed ")) {
            throw new IOException(text);
          }
          if (text != null) {
            answer(new JsonObject(text));
          }
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      } catch (IOException | ExecutionException | TimeoutException e) {
        cutOff = e.getMessage();
        log(name + " stopped: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A text client on the client port: no acks; a refusal is a line starting with "! ". */
  private static final class TextSender extends Sender {
    TextSender(String host, int port, String name, String room) {
      super("text", "t-", false, host, port, name, room);
    }

    @Override
    public void run() {
      try {
        connect();
        send(name);
        send("/join " + room);
        long next = System.currentTimeMillis();
        while (!stop) {
          if (System.currentTimeMillis() >= next) {
            send(prefix + next());
            next += SAY_EVERY_MS;
          }
          String line = poll();
          if (line != null && line.startsWith("! ")) {
            error(line);
          }
        }
      } catch (IOException e) {
        cutOff = e.getMessage();
        log(name + " stopped: " + e.getMessage());
      }
    }
  }

  /** An IRC client on the IRC port: no acks; a refusal is an error numeric, a FAIL, or a notice to it. */
  private static final class IrcSender extends Sender {
    IrcSender(String host, int ircPort, String name, String room) {
      super("irc", "i-", false, host, ircPort, name, room);
    }

    @Override
    public void run() {
      try {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(200);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        send("NICK " + name);
        send("USER " + name + " 0 * :" + name);
        send("JOIN #" + room);
        boolean joined = false;
        long next = System.currentTimeMillis();
        while (!stop) {
          if (joined && System.currentTimeMillis() >= next) {
            send("PRIVMSG #" + room + " :" + prefix + next());
            next += SAY_EVERY_MS;
          }
          String line = poll();
          if (line == null) {
            continue;
          }
          if (line.startsWith("PING")) {
            send("PONG" + line.substring(4));
          } else if (line.contains(" 366 ")) {
            joined = true;
            next = System.currentTimeMillis();
          } else if (joined && (line.matches(":\\S+ [45]\\d\\d .*") || line.matches(":\\S+ FAIL .*")
            || line.matches(":\\S+ NOTICE " + name + " .*"))) {
            error(line);
          }
        }
      } catch (IOException e) {
        cutOff = e.getMessage();
        log(name + " stopped: " + e.getMessage());
      }
    }
  }

  // ----- the checker

  private boolean check(String label, String room, List<Sender> senders, List<Observer> observers,
                        Map<Sender, Integer> after) throws SQLException {
    List<String> stored = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(pgUrl, pgUser, args.getOrDefault("pg-password", ""));
         PreparedStatement q = c.prepareStatement("SELECT body FROM room_event WHERE room = ? AND chat ORDER BY seq")) {
      q.setString(1, room);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
    }
    Map<String, Integer> times = new HashMap<>();
    stored.forEach(s -> times.merge(s, 1, Integer::sum));
    long duplicated = times.values().stream().filter(t -> t > 1).count();

    int acknowledged = 0;
    int lost = 0;
    int refused = 0;
    Map<String, Integer> refusals = new java.util.TreeMap<>();
    int unanswered = 0;
    int reordered = 0;
    int unackedStored = 0;
    int errorLines = 0;
    int silent = 0;
    List<String> said = new ArrayList<>();
    for (Sender sender : senders) {
      said.add(sender.kind + " " + sender.sent.get());
      if (sender.acked) {
        for (int n = 1; n <= sender.sent.get(); n++) {
          String answer = sender.answers.get(n);
          if ("ack".equals(answer)) {
            acknowledged++;
            if (!times.containsKey(sender.prefix + n)) {
              lost++;
              log("acknowledged, not stored: " + sender.prefix + n);
            }
          } else if (answer != null) {
            refused++;
            refusals.merge(answer, 1, Integer::sum);
          } else {
            unanswered++;
            log(sender.kind + " sender had no answer to " + sender.prefix + n);
          }
        }
        // Its acknowledged messages keep its order in the history.
        int last = 0;
        for (String m : stored) {
          if (m.startsWith(sender.prefix)) {
            int n = Integer.parseInt(m.substring(sender.prefix.length()));
            if ("ack".equals(sender.answers.get(n))) {
              if (n < last) {
                reordered++;
                log("stored out of order: " + m + " after " + sender.prefix + last);
              }
              last = Math.max(last, n);
            }
          }
        }
      } else {
        int kept = 0;
        List<String> missing = new ArrayList<>();
        for (int n = 1; n <= sender.sent.get(); n++) {
          if (times.containsKey(sender.prefix + n)) {
            kept++;
          } else {
            missing.add(sender.prefix + n);
          }
        }
        if (!missing.isEmpty()) {
          log(sender.kind + " lines not stored: " + missing);
        }
        unackedStored += kept;
        errorLines += sender.errors.size();
        silent += Math.max(0, sender.sent.get() - kept - sender.errors.size());
      }
    }
    boolean oneOrder = true;
    for (Observer o : observers) {
      oneOrder &= inOrderOf(o.name, view(o.seen), stored);
    }
    // Delivery resumed after the faults: each observer saw something each sender said after them.
    boolean resumed = true;
    for (Observer o : observers) {
      for (Sender sender : senders) {
        boolean seen = o.seen.stream().map(Seen::text).anyMatch(m -> m.startsWith(sender.prefix)
          && Integer.parseInt(m.substring(sender.prefix.length())) > after.get(sender));
        if (!seen) {
          log(o.name + " saw nothing the " + sender.kind + " sender said after the faults");
          resumed = false;
        }
      }
    }
    boolean cutOff = senders.stream().anyMatch(c -> c.cutOff != null) || observers.stream().anyMatch(o -> o.cutOff != null);
    boolean spoke = senders.stream().allMatch(c -> c.sent.get() > 0);
    boolean passed = lost == 0 && duplicated == 0 && reordered == 0 && refused == 0 && unanswered == 0
      && silent == 0 && oneOrder && resumed && !cutOff && spoke;
    System.out.printf("%s: said %s; acknowledged %d, lost %d, duplicated %d, reordered %d, refused %d%s, unanswered %d;"
        + " unacknowledged stored %d, error lines %d, lost without a word %d; observers %s%s -> %s%n",
      label, String.join(", ", said), acknowledged, lost, duplicated, reordered, refused,
      refusals.isEmpty() ? "" : " " + refusals, unanswered, unackedStored, errorLines, silent,
      oneOrder ? "in the history's order" : "out of the history's order",
      (cutOff ? "; a client was cut off" : "") + (resumed ? "" : "; delivery did not resume everywhere"),
      passed ? "PASS" : "FAIL");
    return passed;
  }

  /**
   * What a client that follows the protocol ends up showing of what it saw: an event of a newer epoch
   * numbered at or below events of an older one replaces them (a new owner numbered on from what was
   * stored, and those were sent live by an owner that died or was cut off before storing them), as the web
   * client does when a room's numbering goes back.
   */
  private static List<String> view(List<Seen> seen) {
    List<Seen> shown = new ArrayList<>();
    for (Seen e : seen) {
      shown.removeIf(old -> old.epoch() < e.epoch() && old.seq() >= e.seq());
      shown.add(e);
    }
    return shown.stream().map(Seen::text).toList();
  }

  /**
   * Whether what an observer shows of the stored messages is in the history's order, once each (and so
   * every observer in one order); logs where it parts from it if not.
   */
  private static boolean inOrderOf(String observer, List<String> shown, List<String> history) {
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < history.size(); i++) {
      at.put(history.get(i), i);
    }
    int last = -1;
    String lastText = null;
    for (String text : shown) {
      Integer i = at.get(text);
      if (i == null) {
        continue;
      }
      if (i <= last) {
        log(observer + " showed " + text + " after " + lastText + ", which the history has the other way round");
        return false;
      }
      last = i;
      lastText = text;
    }
    return true;
  }

}
