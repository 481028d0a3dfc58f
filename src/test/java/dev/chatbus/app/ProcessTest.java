package dev.chatbus.app;

import dev.chatbus.support.TestClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code chatbus} command as an operator runs it: a real JVM, real signals, real exit codes. */
class ProcessTest {

  @Test
  void sigtermSaysGoodbyeAndExitsWithZero() throws Exception {
    int port = freePort();
    Node node = Node.start(new JsonObject()
      .put("node", new JsonObject().put("name", "proc"))
      .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 1))
      .put("shutdown", new JsonObject().put("grace", "2s")));
    try {
      node.awaitOutput("listening on 127.0.0.1:" + port);
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("/ping");
        alice.expect("* pong");
        // SIGTERM, without closing our end of its output as Process.destroy() would.
        node.process.toHandle().destroy();
        assertThat(alice.readUntilClosed()).containsExactly("* server shutting down");
      }
      assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(node.process.exitValue()).isZero();
      node.awaitOutput("shut down");
    } finally {
      node.process.destroyForcibly();
    }
  }

  @Test
  void anInvalidSettingStopsStartUpNamingTheKey() throws Exception {
    Node node = Node.start(new JsonObject().put("limits", new JsonObject().put("maxLineBytes", "lots")));
    try {
      assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(node.process.exitValue()).isNotZero();
      node.awaitOutput("limits.maxLineBytes: expected a size such as 4096, 256KiB or 1MiB, got 'lots'");
    } finally {
      node.process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A Chatbus JVM started from the test classpath, its output collected line by line. */
  private static final class Node {
    final Process process;
    final BlockingQueue<String> output = new LinkedBlockingQueue<>();

    private Node(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            output.add(line);
          }
        } catch (IOException e) {
          output.add("(output closed: " + e + ")");
        }
      }, "chatbus-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Node start(JsonObject conf) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        Chatbus.class.getName(), "-conf", conf.encode()));
      pb.redirectErrorStream(true);
      return new Node(pb.start());
    }

    void awaitOutput(String fragment) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      StringBuilder seen = new StringBuilder();
      while (System.nanoTime() < deadline) {
        String line = output.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          break;
        }
        seen.append(line).append('\n');
        if (line.contains(fragment)) {
          return;
        }
      }
      throw new AssertionError("no output line with '" + fragment + "'; saw:\n" + seen);
    }
  }
}
