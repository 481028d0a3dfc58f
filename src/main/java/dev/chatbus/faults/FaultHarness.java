package dev.chatbus.faults;

import dev.chatbus.cluster.Ring;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * saw them; in a partition, a name taken on the owner's node before and on the first node during it
 * ({@link Named}). The faults ({@link Scenario}), each on the room's owner, as many rounds as asked: killed,
 * paused past the failure detector, cut off from the other nodes, its link made slow and lossy, killed again
 * as it takes its rooms back; and PostgreSQL restarted (through {@link StoreProxy}, the nodes' way to it).
 * Then the {@link Checker} gives its verdict.
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
      // Stopped early (Ctrl-C, SIGTERM), it still ends its nodes and removes its namespaces.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        net.close();
      }));
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
    // Names taken on both sides of a partition: the first of each pair on the owner's node before it is cut off.
    List<List<Named>> twins = new ArrayList<>();

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
          Named held = new Named(net.host(1), port(1), "twin" + round, room, Duration.ofSeconds(10));
          threads.add(held.start());
          held.welcomed.get(15, TimeUnit.SECONDS);
          log("round " + round + ": cutting " + nodes[1] + " off from the other nodes for 20 s");
          net.isolate(1, nodes.length);
          // Once the others have found it gone (10 s), they may give its users' names out again.
          Thread.sleep(14_000);
          Named again = new Named(net.host(0), port(0), held.name, room, Duration.ofSeconds(5));
          threads.add(again.start());
          twins.add(List.of(held, again));
          Thread.sleep(6_000);
          log("round " + round + ": letting " + nodes[1] + " back");
          net.heal(nodes.length);
          // Hazelcast merges the two sides within 10 to 20 s, and the routers meet again.
          Thread.sleep(30_000);
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
    // Who is in the room as the network has settled: every client connected, once, and no one else.
    first.askWho = true;
    List<String> members = first.members.completeOnTimeout(null, 10, TimeUnit.SECONDS).get();
    senders.forEach(sender -> sender.stop = true);
    // Acks of what was said last, and its deliveries.
    Thread.sleep(5_000);
    first.stop = true;
    third.stop = true;
    twins.forEach(pair -> pair.forEach(named -> named.stop = true));
    for (Thread t : threads) {
      t.join(15_000);
    }
    List<String> connected = new ArrayList<>(List.of(first.name, third.name));
    senders.forEach(sender -> connected.add(sender.name));
    twins.forEach(pair -> pair.stream().filter(Named::holdsName).forEach(named -> connected.add(named.name)));
    return new Checker(pgUrl, pgUser, args.getOrDefault("pg-password", "")).check(scenario.label + " x" + rounds, room, senders,
      List.of(first, third), after, twins, members, connected);
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
        .put("port", Network.CLUSTER_PORT)
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

  static void log(String line) {
    System.out.println("faults: " + line);
  }
}
