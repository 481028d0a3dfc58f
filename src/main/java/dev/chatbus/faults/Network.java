package dev.chatbus.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the fault harness's nodes run, and the network faults it can inject between them.
 * <p>
 * {@link #loopback}: every node on 127.0.0.1, which allows no network fault. {@link #namespaces}: each node in
 * a network namespace of its own ({@code cbf-0}, {@code cbf-1}, ...), with one end of a veth pair, the other
 * ends joined by a bridge ({@code cbf-br}) that carries {@code 10.77.0.1} in the harness's own namespace,
 * where the clients and the way to PostgreSQL are. A partition is made with blackhole routes in the nodes'
 * namespaces (the nodes cut off from each other still reach the clients and the store); a slow link with a
 * token bucket ({@code tc tbf}) on a node's interface, which also drops what waits past its latency. Needs
 * root and {@code ip}; {@code tc} for a slow link. Everything made is removed by {@link #close}, also what an
 * earlier run left.
 */
abstract class Network implements AutoCloseable {

  /** The port each node's Hazelcast listens on; in namespaces every node has it, on loopback the first. */
  static final int CLUSTER_PORT = 5701;

  /** The address node {@code i} listens on. */
  abstract String host(int i);

  /** The address of the harness's own end, where the nodes reach PostgreSQL (through the harness's proxy). */
  abstract String gateway();

  /** What runs a command in node {@code i}'s network. */
  abstract List<String> inNode(int i, List<String> command);

  /** The addresses the cluster's nodes look for each other at. */
  abstract List<String> members(int nodes);

  /** Whether network faults (partitions, slow links) can be injected. */
  abstract boolean faults();

  /** Cuts node {@code i} off from every other node, not from the clients or the store. */
  abstract void isolate(int i, int nodes) throws IOException;

  /** Undoes every partition. */
  abstract void heal(int nodes) throws IOException;

  /** Makes node {@code i}'s link slow and lossy: {@code rate} (as tc writes it), waiting at most {@code latencyMs}. */
  abstract void slow(int i, String rate, int latencyMs) throws IOException;

  /** Makes node {@code i}'s link fast again. */
  abstract void fast(int i) throws IOException;

  @Override
  public abstract void close();

  static Network loopback() {
    return new Network() {
      @Override
      String host(int i) {
        return "127.0.0.1";
      }

      @Override
      String gateway() {
        return "127.0.0.1";
      }

      @Override
      List<String> inNode(int i, List<String> command) {
        return command;
      }

      @Override
      List<String> members(int nodes) {
        return List.of("127.0.0.1");
      }

      @Override
      boolean faults() {
        return false;
      }

      @Override
      void isolate(int i, int nodes) {
        throw new UnsupportedOperationException("no partitions on loopback");
      }

      @Override
      void heal(int nodes) {
      }

      @Override
      void slow(int i, String rate, int latencyMs) {
        throw new UnsupportedOperationException("no slow links on loopback");
      }

      @Override
      void fast(int i) {
      }

      @Override
      public void close() {
      }
    };
  }

  /** Whether this machine lets the harness make namespaces: root, with {@code ip} on the path. */
  static boolean namespacesAllowed() {
    return "root".equals(System.getProperty("user.name")) && onPath("ip");
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
  }

  /** Makes a namespace per node, joined by a bridge, as the class comment says. */
  static Network namespaces(int nodes) throws IOException {
    Namespaces n = new Namespaces();
    n.close();
    try {
      n.ip("link", "add", Namespaces.BRIDGE, "type", "bridge");
      n.ip("addr", "add", "10.77.0.1/24", "dev", Namespaces.BRIDGE);
      n.ip("link", "set", Namespaces.BRIDGE, "up");
      for (int i = 0; i < nodes; i++) {
        String ns = Namespaces.namespace(i);
        n.ip("netns", "add", ns);
        n.ip("link", "add", "cbf-h" + i, "type", "veth", "peer", "name", "cbf-n" + i);
        n.ip("link", "set", "cbf-n" + i, "netns", ns);
        n.ip("link", "set", "cbf-h" + i, "master", Namespaces.BRIDGE);
        n.ip("link", "set", "cbf-h" + i, "up");
        n.ip("-n", ns, "addr", "add", n.host(i) + "/24", "dev", "cbf-n" + i);
        n.ip("-n", ns, "link", "set", "cbf-n" + i, "up");
        n.ip("-n", ns, "link", "set", "lo", "up");
      }
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private static final class Namespaces extends Network {
    static final String BRIDGE = "cbf-br";
    /** As many namespaces as an earlier run may have left. */
    private static final int MOST = 9;

    static String namespace(int i) {
      return "cbf-" + i;
    }

    @Override
    String host(int i) {
      return "10.77.0." + (11 + i);
    }

    @Override
    String gateway() {
      return "10.77.0.1";
    }

    @Override
    List<String> inNode(int i, List<String> command) {
      List<String> in = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
      in.addAll(command);
      return in;
    }

    @Override
    List<String> members(int nodes) {
      List<String> members = new ArrayList<>();
      // Each with its port: a member listed without one is looked for on three, and after a partition Hazelcast
      // gives each address it cannot reach 5 s before trying the next, which put the merge off past a minute.
      for (int i = 0; i < nodes; i++) {
        members.add(host(i) + ":" + CLUSTER_PORT);
      }
      return members;
    }

    @Override
    boolean faults() {
      return true;
    }

    @Override
    void isolate(int i, int nodes) throws IOException {
      for (int j = 0; j < nodes; j++) {
        if (j != i) {
          ip("-n", namespace(i), "route", "add", "blackhole", host(j) + "/32");
          ip("-n", namespace(j), "route", "add", "blackhole", host(i) + "/32");
        }
      }
    }

    @Override
    void heal(int nodes) throws IOException {
      for (int i = 0; i < nodes; i++) {
        for (int j = 0; j < nodes; j++) {
          if (j != i) {
            quietly(List.of("ip", "-n", namespace(i), "route", "del", "blackhole", host(j) + "/32"));
          }
        }
      }
    }

    @Override
    void slow(int i, String rate, int latencyMs) throws IOException {
      run(List.of("tc", "-n", namespace(i), "qdisc", "add", "dev", "cbf-n" + i, "root", "tbf", "rate", rate,
        "burst", "16kb", "latency", latencyMs + "ms"));
    }

    @Override
    void fast(int i) {
      quietly(List.of("tc", "-n", namespace(i), "qdisc", "del", "dev", "cbf-n" + i, "root"));
    }

    @Override
    public void close() {
      for (int i = 0; i < MOST; i++) {
        quietly(List.of("ip", "netns", "del", namespace(i)));
        quietly(List.of("ip", "link", "del", "cbf-h" + i));
      }
      quietly(List.of("ip", "link", "del", BRIDGE));
    }

    void ip(String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of("ip"));
      command.addAll(List.of(args));
      run(command);
    }

    private static void run(List<String> command) throws IOException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      try {
        if (p.waitFor() != 0) {
          throw new IOException(String.join(" ", command) + " failed: " + out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(String.join(" ", command) + " interrupted", e);
      }
    }

    /** Runs {@code command}, whatever comes of it (undoing what may not be there). */
    private static void quietly(List<String> command) {
      try {
        run(command);
      } catch (IOException e) {
        // Not there: nothing to undo.
      }
    }
  }
}
