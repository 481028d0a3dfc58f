package dev.chatbus.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Chatbus load generator. Runs one scenario against one server on loopback and prints one JSON line
 * of results; {@code table} turns such lines into a side-by-side table.
 *
 * <pre>
 * java -cp chatbus.jar dev.chatbus.bench.Bench run --target chatbus --protocol chatbus --port 7000 \
 *     --scenario fanout --clients 1000 --senders 10 [--rate 0] [--pid PID] [--out results.jsonl]
 * java -cp chatbus.jar dev.chatbus.bench.Bench run --target cluster --port 7000,7010,7020 --pid P1,P2,P3 ...
 * java -cp chatbus.jar dev.chatbus.bench.Bench table results.jsonl
 * </pre>
 *
 * With several ports (the nodes of a cluster), clients are spread over them in turn, and the server CPU
 * and memory are the sums over the processes given. Scenarios: {@code fanout} (every client in one room,
 * {@code senders} of them sending), {@code rooms} (clients spread over {@code rooms} rooms), {@code conns}
 * ({@code clients} idle registered clients; the server's memory per connection) and {@code joins} (a room
 * filled with {@code history} messages, then {@code clients} log in and enter it: how long entering takes).
 * Senders send as fast as a window of {@code window} messages not yet received by everyone allows, or
 * {@code rate} messages per second in all.
 */
public final class Bench {

  private static final int CLIENTS_PER_SOURCE_ADDRESS = 10_000;

  private final Map<String, String> opts;

  private Bench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    // The JSON classes come with Vert.x logging; the load generator has nothing to log through it.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.out.println("usage: Bench run --target NAME --protocol chatbus|irc|redis|websocket --port PORT[,PORT...]"
        + " --scenario fanout|rooms|conns|joins [--clients N] [--senders S] [--rooms M] [--rate MSGS_PER_S]"
        + " [--window W] [--size BYTES] [--history EVENTS]"
        + " [--warmup S] [--duration S] [--threads T] [--inflight R] [--pid PID[,PID...]] [--label TEXT] [--out FILE]"
        + " [--tls CA.pem]\n"
        + "       Bench table FILE");
      return;
    }
    if (args[0].equals("table")) {
      System.out.print(Table.render(Files.readAllLines(Path.of(args[1]))));
      return;
    }
    if (!args[0].equals("run")) {
      throw new IllegalArgumentException("unknown command " + args[0] + " (run, table)");
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    JsonObject result = run(opts);
    String line = result.encode();
    System.out.println(line);
    if (opts.containsKey("out")) {
      Files.writeString(Path.of(opts.get("out")), line + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    System.exit(result.getBoolean("ok") ? 0 : 1);
  }

  /** Runs one workload with {@code opts} (the command line's options without their dashes). */
  static JsonObject run(Map<String, String> opts) throws Exception {
    return new Bench(opts).execute();
  }

  private String str(String name, String def) {
    return opts.getOrDefault(name, def);
  }

  private int integer(String name, int def) {
    return Integer.parseInt(str(name, Integer.toString(def)));
  }

  private JsonObject execute() throws Exception {
    String scenario = str("scenario", "fanout");
    Protocol protocol = Protocol.named(str("protocol", "chatbus"));
    int clients = integer("clients", 100);
    int senders = scenario.equals("conns") || scenario.equals("joins") ? 0 : integer("senders", 10);
    int rooms = scenario.equals("rooms") ? integer("rooms", 50) : 1;
    double rate = Double.parseDouble(str("rate", "0"));
    long[] pids = Arrays.stream(str("pid", "0").split(",")).mapToLong(Long::parseLong).filter(p -> p > 0).toArray();
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String port : str("port", "7000").split(",")) {
      InetSocketAddress server = new InetSocketAddress(str("host", "127.0.0.1"), Integer.parseInt(port.trim()));
      if (!server.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException("the benchmark sends only to loopback addresses");
      }
      servers.add(server);
    }
    if ((scenario.equals("conns") || scenario.equals("joins")) && (pids.length > 1 || servers.size() > 1)) {
      throw new IllegalArgumentException(scenario + " measures one server: one --port, one --pid");
    }
    if (scenario.equals("joins") && !protocol.name.equals("chatbus")) {
      throw new IllegalArgumentException("joins measures Chatbus's replay on join: --protocol chatbus");
    }
    if (senders > clients && !protocol.separateSenders) {
      throw new IllegalArgumentException("more senders than clients");
    }
    int threads = integer("threads", 2);
    String tls = str("tls", "");
    Workload work = new Workload(protocol, servers, tls.isEmpty() ? null : TlsPipe.trusting(Path.of(tls)), "lobby",
      integer("size", 64), integer("window", 64),
      rate > 0 && senders > 0 ? rate / senders : 0, integer("inflight", 200));

    JsonObject result = new JsonObject()
      .put("target", str("target", protocol.name))
      .put("label", str("label", ""))
      .put("tls", !tls.isEmpty())
      .put("scenario", scenario)
      .put("protocol", protocol.name)
      .put("clients", clients)
      .put("senders", senders)
      .put("rooms", rooms)
      .put("rate", rate)
      .put("window", rate > 0 ? 0 : work.window)
      .put("size", work.payloadBytes);

    List<IoLoop> loops = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      IoLoop loop = new IoLoop(work, i);
      loops.add(loop);
      loop.start();
    }
    try {
      if (scenario.equals("conns")) {
        conns(work, loops, clients, pids.length == 0 ? 0 : pids[0], result);
      } else if (scenario.equals("joins")) {
        joins(work, loops, clients, integer("history", 1000), servers.get(0), result);
      } else {
        traffic(work, loops, clients, senders, rooms, pids, result);
      }
    } finally {
      for (IoLoop loop : loops) {
        loop.stop();
      }
      for (IoLoop loop : loops) {
        loop.closeAll();
      }
    }
    if (work.failure.get() != null) {
      throw new IllegalStateException("the load generator failed", work.failure.get());
    }
    return result;
  }

  /** Connects {@code clients}, at most {@code inflight} registrations at a time; false if not all made it. */
  private boolean connectAll(Workload work, List<IoLoop> loops, List<Client> clients, JsonObject result)
    throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("setupTimeout", 300));
    long started = System.nanoTime();
    for (Client c : clients) {
      if (!work.inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      int source = c.index / CLIENTS_PER_SOURCE_ADDRESS;
      c.loop.connect(c, source == 0 ? null : new InetSocketAddress("127.0.0." + (1 + source), 0));
    }
    while (work.readyCount.get() + work.setupFailures.get() < clients.size() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int ready = work.readyCount.get();
    result.put("connected", ready).put("connectPerSec", Math.round(ready / seconds));
    if (ready < clients.size()) {
      result.put("ok", false).put("problem", "only " + ready + " of " + clients.size() + " clients registered"
        + (work.firstProblem.get() == null ? "" : "; first problem: " + work.firstProblem.get()));
      return false;
    }
    return true;
  }

  private void traffic(Workload work, List<IoLoop> loops, int n, int s, int m, long[] pids, JsonObject result)
    throws Exception {
    String[] roomNames = new String[m];
    for (int r = 0; r < m; r++) {
      roomNames[r] = m == 1 ? "bench" : "bench" + r;
    }
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Client c = new Client(i, "b" + i, roomNames[i % m], true, loops.get(i % loops.size()));
      c.lastSeq = new long[s];
      Arrays.fill(c.lastSeq, -1);
      clients.add(c);
    }
    List<Client> sending = new ArrayList<>();
    for (int j = 0; j < s; j++) {
      if (work.protocol.separateSenders) {
        Client c = new Client(n + j, "s" + j, roomNames[j % m], false, loops.get((n + j) % loops.size()));
        clients.add(c);
        sending.add(c);
      } else {
        sending.add(clients.get(j));
      }
    }
    if (!connectAll(work, loops, clients, result)) {
      return;
    }
    if (work.window > IoLoop.SLOTS) {
      throw new IllegalArgumentException("the window can be at most " + IoLoop.SLOTS);
    }
    for (Client c : clients) {
      for (int j = 0; c.receives && j < s; j++) {
        if (sending.get(j) != c && roomNames[j % m].equals(c.room)) {
          c.loop.expect(j, s);
        }
      }
    }
    Sender[] senders = new Sender[s];
    for (int j = 0; j < s; j++) {
      Client c = sending.get(j);
      int sender = j;
      int loopsExpecting = (int) loops.stream().filter(l -> l.expects(sender)).count();
      senders[j] = new Sender(j, c, roomNames[j % m], loopsExpecting, IoLoop.SLOTS);
      c.sender = senders[j];
    }
    work.senders = senders;
    for (Sender sender : senders) {
      sender.client.loop.addSender(sender);
    }

    double warmup = Double.parseDouble(str("warmup", "3"));
    double duration = Double.parseDouble(str("duration", "10"));
    long now = System.nanoTime();
    work.measureFrom = now + (long) (warmup * 1e9);
    work.measureUntil = work.measureFrom + (long) (duration * 1e9);
    work.sendingFrom = now;
    work.sending = true;
    for (IoLoop loop : loops) {
      loop.wake();
    }
    sleepUntil(work.measureFrom);
    double serverCpu0 = ProcStats.cpuSeconds(pids);
    double ownCpu0 = ProcStats.ownCpuSeconds();
    sleepUntil(work.measureUntil);
    double serverCpu = ProcStats.cpuSeconds(pids) - serverCpu0;
    double ownCpu = ProcStats.ownCpuSeconds() - ownCpu0;
    work.sending = false;

    // Let what is on its way arrive, so that anything missing afterwards is lost.
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("drain", 10));
    while (System.nanoTime() < drainUntil && Arrays.stream(senders).anyMatch(x -> x.outstanding() > 0)
      && work.disconnects.get() == 0) {
      Thread.sleep(5);
    }
    for (IoLoop loop : loops) {
      loop.stop();
    }

    Histogram latency = new Histogram(loops.get(0).latency.getHighestTrackableValue(), 3);
    long deliveries = 0;
    long lost = 0;
    long outOfOrder = 0;
    for (IoLoop loop : loops) {
      latency.add(loop.latency);
      deliveries += loop.deliveries;
      lost += loop.lost;
      outOfOrder += loop.outOfOrder;
    }
    for (Client c : clients) {
      if (c.receives) {
        for (Sender sender : senders) {
          if (sender.client != c && sender.roomName.equals(c.room)) {
            lost += Math.max(0, sender.sent - 1 - c.lastSeq[sender.index]);
          }
        }
      }
    }
    long sent = Arrays.stream(senders).mapToLong(x -> x.sent).sum();
    result
      .put("sent", sent)
      .put("deliveriesPerSec", Math.round(deliveries / duration))
      .put("p50Ms", millis(latency.getValueAtPercentile(50)))
      .put("p99Ms", millis(latency.getValueAtPercentile(99)))
      .put("p999Ms", millis(latency.getValueAtPercentile(99.9)))
      .put("maxMs", millis(latency.getMaxValue()))
      .put("lost", lost)
      .put("outOfOrder", outOfOrder)
      .put("disconnects", work.disconnects.get())
      .put("serverCpu", pids.length > 0 ? round2(serverCpu / duration) : null)
      .put("benchCpu", round2(ownCpu / duration))
      .put("serverRssMb", pids.length > 0 ? ProcStats.rssBytes(pids) >> 20 : null);
    boolean ok = lost == 0 && outOfOrder == 0 && work.disconnects.get() == 0 && deliveries > 0;
    result.put("ok", ok);
    if (!ok && work.firstProblem.get() != null) {
      result.put("problem", work.firstProblem.get());
    }
  }

  private void conns(Workload work, List<IoLoop> loops, int k, long pid, JsonObject result) throws Exception {
    boolean jvm = pid > 0 && ProcStats.isJvm(pid);
    // A JVM's RSS is read after the full collection that measuring its heap runs, before and after.
    long[] jvm0 = jvm ? ProcStats.jvmMemory(pid) : null;
    long rss0 = pid > 0 ? ProcStats.rssBytes(pid) : 0;
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      clients.add(new Client(i, "b" + i, work.defaultRoom, false, loops.get(i % loops.size())));
    }
    if (!connectAll(work, loops, clients, result)) {
      return;
    }
    // Idle for a while: every client must still be there afterwards.
    Thread.sleep(TimeUnit.SECONDS.toMillis(integer("duration", 10)));
    if (pid > 0) {
      long[] mem = jvm ? ProcStats.jvmMemory(pid) : null;
      long rss = ProcStats.rssBytes(pid);
      result.put("serverRssMb", rss >> 20).put("rssPerConn", (rss - rss0) / k);
      if (jvm) {
        long heap = (mem[0] - jvm0[0]) / k;
        result.put("heapPerConn", heap);
        if (mem[1] >= 0 && jvm0[1] >= 0) {
          long nat = (mem[1] - jvm0[1]) / k;
          result.put("nativePerConn", nat).put("memPerConn", heap + nat);
        }
      } else {
        result.put("memPerConn", (rss - rss0) / k);
      }
    }
    int held = work.readyCount.get() - work.disconnects.get();
    result.put("held", held).put("disconnects", work.disconnects.get()).put("ok", held == k);
    if (held < k && work.firstProblem.get() != null) {
      result.put("problem", work.firstProblem.get());
    }
  }

  /**
   * How long entering a room takes against how much history it has: one client fills room {@code bench}
   * with {@code history} messages (and waits until they are stored), then {@code k} clients log in and join
   * it, each shown its last messages, and the time from each {@code /join} to its answer is measured.
   */
  private void joins(Workload work, List<IoLoop> loops, int k, int history, InetSocketAddress server, JsonObject result)
    throws Exception {
    result.put("history", history);
    long started = System.nanoTime();
    Filler.fill(server, "bench", history, work.payloadBytes);
    result.put("fillSeconds", round2((System.nanoTime() - started) / 1e9));
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      clients.add(new Client(i, "j" + i, "bench", true, loops.get(i % loops.size())));
    }
    boolean all = connectAll(work, loops, clients, result);
    for (IoLoop loop : loops) {
      loop.stop();
    }
    Histogram joins = new Histogram(loops.get(0).joins.getHighestTrackableValue(), 3);
    for (IoLoop loop : loops) {
      joins.add(loop.joins);
    }
    result.put("joined", joins.getTotalCount())
      .put("joinP50Ms", millis(joins.getValueAtPercentile(50)))
      .put("joinP99Ms", millis(joins.getValueAtPercentile(99)))
      .put("joinMaxMs", millis(joins.getMaxValue()));
    if (all) {
      result.put("ok", true);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait;
    while ((wait = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static double millis(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
