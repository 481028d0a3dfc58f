package dev.chatbus.app;

import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.support.ChatbusProcess;
import dev.chatbus.support.TestClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The distribution that {@code ./mvnw package} builds ({@code target/chatbus-VERSION.tar.gz}), unpacked and
 * started as an operator would: {@code bin/chatbus} from an empty folder, and as its systemd unit runs it.
 */
class DistributionIT {

  private static final Path ARCHIVE = Path.of(System.getProperty("dist.archive", "target/chatbus.tar.gz"));
  private static final String VERSION = System.getProperty("dist.version", "");

  /** The unpacked distribution, {@code chatbus-VERSION/}. */
  private static Path unpack(Path into) throws Exception {
    Process tar = new ProcessBuilder("tar", "-xzf", ARCHIVE.toAbsolutePath().toString(), "-C", into.toString())
      .redirectErrorStream(true).start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
    Path home = into.resolve("chatbus-" + VERSION);
    assertThat(home.resolve("bin/chatbus")).isExecutable();
    return home;
  }

  /** {@code bin/chatbus ARGS} in {@code dir}, on the Java running the tests. */
  private static ChatbusProcess chatbus(Path home, Path dir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/chatbus").toString()));
    command.addAll(List.of(args));
    Map<String, String> withJava = new HashMap<>(env);
    withJava.put("JAVA_HOME", System.getProperty("java.home"));
    return ChatbusProcess.exec(command, dir, withJava);
  }

  private static String onLoopback(int port) {
    return ChatbusProcess.onPort(port, new JsonObject()).encode();
  }

  @Test
  void versionPrintsTheVersion(@TempDir Path dir) throws Exception {
    ChatbusProcess version = chatbus(unpack(dir), dir, Map.of(), "--version");
    assertThat(version.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(version.process().exitValue()).isZero();
    version.awaitOutput("chatbus " + VERSION);
  }

  @Test
  void withoutItsConfFolderANodeStartedInAnEmptyFolderLogsAtInfoAndServes(@TempDir Path dir) throws Exception {
    Path home = unpack(dir);
    try (Stream<Path> conf = Files.walk(home.resolve("conf"))) {
      conf.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
    Path empty = Files.createDirectory(dir.resolve("empty"));
    int port = ChatbusProcess.freePort();
    ChatbusProcess node = chatbus(home, empty, Map.of(), "-conf", onLoopback(port));
    try {
      node.awaitOutput("INFO  MainVerticle - chatbus " + VERSION + " node proc listening on 127.0.0.1:" + port);
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("/ping");
        alice.expect("* pong");
      }
      assertThat(node.lines()).as("no debug lines, no stack trace").noneMatch(l -> l.contains(" DEBUG ") || l.startsWith("\tat "));
      assertThat(empty.resolve("data/chatbus.mv.db")).exists();
    } finally {
      node.process().destroyForcibly();
    }
  }

  /**
   * {@code packaging/chatbus.service} as systemd runs it, with {@code /opt/chatbus} and
   * {@code /var/lib/chatbus} in a folder of the test's, and JSON logs: its stop (the unit's
   * {@code KillSignal}) is graceful within its {@code TimeoutStopSec}, and what was said is in its data
   * folder when it starts again.
   */
  @Test
  void theSystemdUnitStopsGracefullyAndKeepsItsDataWhereItSays(@TempDir Path dir) throws Exception {
    Path home = unpack(dir);
    Path state = Files.createDirectory(dir.resolve("state"));
    Unit unit = Unit.read(home.resolve("packaging/chatbus.service"), Map.of("/opt/chatbus", home, "/var/lib/chatbus", state));
    assertThat(unit.killSignal()).isEqualTo("SIGTERM");
    Duration grace = ChatbusConfig.parse(new JsonObject(Files.readString(home.resolve("conf/config.json")))).shutdownGrace();
    assertThat(unit.timeoutStop()).as("TimeoutStopSec against shutdown.grace").isGreaterThanOrEqualTo(grace.multipliedBy(2));

    int port = ChatbusProcess.freePort();
    Map<String, String> env = new HashMap<>(unit.environment());
    // In place of the unit's EnvironmentFile:
    env.putAll(Map.of("CHATBUS_TCP_HOST", "127.0.0.1", "CHATBUS_TCP_PORT", String.valueOf(port),
      "CHATBUS_HTTP_HOST", "127.0.0.1", "CHATBUS_HTTP_PORT", "0", "CHATBUS_BRIDGE_PORT", "0", "CHATBUS_LOG_FORMAT", "json"));

    ChatbusProcess node = chatbus(home, unit.workingDirectory(), env);
    try {
      node.awaitOutput("listening on 127.0.0.1:" + port);
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("kept across a stop");
        alice.send("/ping");
        alice.expect("* pong");
        node.terminate();
        alice.readUntil(line -> line.equals("* server shutting down"));
      }
      assertThat(node.process().waitFor(unit.timeoutStop().toMillis(), TimeUnit.MILLISECONDS)).as("stopped in time").isTrue();
      assertThat(node.process().exitValue()).isZero();
    } finally {
      node.process().destroyForcibly();
    }
    List<JsonObject> logged = new ArrayList<>();
    for (String line : node.lines()) {
      try {
        logged.add(new JsonObject(line));
      } catch (DecodeException e) {
        fail("not a JSON object: " + line);
      }
    }
    assertThat(logged).anyMatch(l -> "INFO".equals(l.getString("level")) && "shut down".equals(l.getString("formattedMessage")));
    assertThat(state.resolve("data/chatbus.mv.db")).exists();

    ChatbusProcess again = chatbus(home, unit.workingDirectory(), env);
    try {
      again.awaitOutput("listening on 127.0.0.1:" + port);
      try (TestClient bob = TestClient.text(port, "bob")) {
        bob.readUntil(line -> line.endsWith("alice: kept across a stop"));
      }
    } finally {
      again.process().destroyForcibly();
    }
  }

  /** What the tests take from a systemd unit file, its paths moved as {@code moves} says. */
  private record Unit(Path workingDirectory, Map<String, String> environment, String killSignal, Duration timeoutStop) {

    static Unit read(Path file, Map<String, Path> moves) throws IOException {
      Map<String, String> values = new HashMap<>();
      Map<String, String> environment = new HashMap<>();
      for (String raw : Files.readAllLines(file)) {
        String line = raw.strip();
        int eq = line.indexOf('=');
        if (line.isEmpty() || line.startsWith("#") || line.startsWith("[") || eq < 0) {
          continue;
        }
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1);
        for (Map.Entry<String, Path> move : moves.entrySet()) {
          value = value.replace(move.getKey(), move.getValue().toString());
        }
        if (key.equals("Environment")) {
          environment.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
        } else {
          values.put(key, value);
        }
      }
      assertThat(values.get("ExecStart")).as("ExecStart").isEqualTo(moves.get("/opt/chatbus").resolve("bin/chatbus").toString());
      assertThat(values.get("TimeoutStopSec")).as("TimeoutStopSec, in seconds").matches("\\d+");
      return new Unit(Path.of(values.get("WorkingDirectory")), environment, values.get("KillSignal"),
        Duration.ofSeconds(Long.parseLong(values.get("TimeoutStopSec"))));
    }
  }
}
