package dev.chatbus.app;

import dev.chatbus.support.ChatbusProcess;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code chatbus} command as an operator runs it: a real JVM, real signals, real exit codes. */
class ProcessTest {

  private static JsonObject ownStore() {
    return new JsonObject().put("persistence",
      new JsonObject().put("embedded", new JsonObject().put("path", TestNode.freshStorePath())));
  }

  @Test
  void sigtermSaysGoodbyeAndExitsWithZero() throws Exception {
    int port = ChatbusProcess.freePort();
    ChatbusProcess node = ChatbusProcess.listening(port, ownStore());
    try {
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("/ping");
        alice.expect("* pong");
        node.terminate();
        assertThat(alice.readUntilClosed()).containsExactly("* server shutting down");
      }
      assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(node.process().exitValue()).isZero();
      node.awaitOutput("shut down");
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void whatWasSaidIsThereAfterARestart() throws Exception {
    int port = ChatbusProcess.freePort();
    JsonObject store = ownStore();
    ChatbusProcess first = ChatbusProcess.listening(port, store);
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.send("before the restart");
      bob.expect("alice: before the restart");
      bob.send("/me nods");
      alice.expect("* bob has joined #lobby");
      alice.expect("* bob nods");
      first.terminate();
      assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      first.process().destroyForcibly();
    }
    ChatbusProcess second = ChatbusProcess.listening(port, store);
    try (TestClient carol = TestClient.text(port, "carol")) {
      carol.expect("* earlier in #lobby (times in UTC):");
      assertThat(carol.readLine()).matches("\\[\\d\\d:\\d\\d] alice: before the restart");
      assertThat(carol.readLine()).matches("\\[\\d\\d:\\d\\d] \\* bob nods");
      carol.send("/history");
      carol.expect("* the last 2 messages in #lobby (times in UTC):");
    } finally {
      second.process().destroyForcibly();
    }
  }

  @Test
  void anInvalidSettingStopsStartUpNamingTheKey() throws Exception {
    ChatbusProcess node = ChatbusProcess.start(new JsonObject().put("limits", new JsonObject().put("maxLineBytes", "lots")));
    try {
      assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(node.process().exitValue()).isNotZero();
      node.awaitOutput("limits.maxLineBytes: expected a size such as 4096, 256KiB or 1MiB, got 'lots'");
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void anUnknownLogFormatStopsStartUpNamingTheChoices() throws Exception {
    ChatbusProcess node = ChatbusProcess.start(List.of(), List.of(), Map.of("CHATBUS_LOG_FORMAT", "xml"));
    try {
      assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(node.process().exitValue()).isNotZero();
      node.awaitOutput("chatbus: CHATBUS_LOG_FORMAT (or -Dchatbus.log.format): expected text or json, got 'xml'");
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void aClusterOfNodesWithEmbeddedStoresIsRefused() throws Exception {
    ChatbusProcess node = ChatbusProcess.start(new JsonObject().put("cluster", new JsonObject().put("enabled", true)));
    try {
      assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(node.process().exitValue()).isNotZero();
      node.awaitOutput("persistence.store: the nodes of a cluster share one history, so a cluster needs postgresql "
        + "(or none), got embedded");
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void theScriptsVariablesAndChatbusOwnPropertiesDoNotStopANode() throws Exception {
    int port = ChatbusProcess.freePort();
    JsonObject conf = ChatbusProcess.onPort(port, new JsonObject().put("persistence", new JsonObject().put("store", "none")));
    ChatbusProcess node = ChatbusProcess.start(
      List.of("-Dchatbus.nativeTransport=false", "-Dchatbus.cluster.config=conf/cluster.xml"),
      List.of("-conf", conf.encode()),
      Map.of("CHATBUS_PG_URL", "jdbc:postgresql://db.example.org/chatbus", "CHATBUS_JAVA", "/opt/jdk/bin/java"));
    try {
      node.awaitOutput("CHATBUS_JAVA: not a Chatbus setting; ignored");
      node.awaitOutput("listening on 127.0.0.1:" + port + " with 1 edge instances (NIO transport)");
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("/ping");
        alice.expect("* pong");
      }
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void versionPrintsTheVersion() throws Exception {
    ChatbusProcess version = ChatbusProcess.start(List.of(), List.of("--version"), Map.of());
    try {
      assertThat(version.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(version.process().exitValue()).isZero();
      version.awaitOutput("chatbus 0.1.0-SNAPSHOT");
    } finally {
      version.process().destroyForcibly();
    }
  }

  @Test
  void theLaunchersShortClusterFlagClustersWithChatbusSettingsEvenWithoutConf(@TempDir Path dir) throws Exception {
    int port = ChatbusProcess.freePort();
    String name = "chatbus-flag-" + UUID.randomUUID();
    JsonObject conf = ChatbusProcess.onPort(port, new JsonObject()
      .put("persistence", new JsonObject().put("store", "none"))
      .put("cluster", new JsonObject().put("name", name).put("members", new JsonArray().add("127.0.0.1"))
        .put("interface", "127.0.0.1").put("port", 5801)));
    ChatbusProcess node = ChatbusProcess.startIn(dir, List.of("-c", "-conf", conf.encode()));
    try {
      // Hazelcast names its cluster at the start of its lines: Chatbus's name, not Vert.x's default "dev",
      // with the Hazelcast settings the jar carries, there being no conf/cluster.xml.
      node.awaitOutput("[" + name + "]");
      node.awaitOutput("transport, clustered)");
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void aNodeStartedInAnEmptyFolderLogsAtInfoWithTheDefaultsItCarries(@TempDir Path dir) throws Exception {
    int port = ChatbusProcess.freePort();
    JsonObject conf = ChatbusProcess.onPort(port, new JsonObject());
    ChatbusProcess node = ChatbusProcess.startIn(dir, List.of("-conf", conf.encode()));
    try {
      node.awaitOutput("listening on 127.0.0.1:" + port);
      try (TestClient alice = TestClient.text(port, "alice")) {
        alice.send("kept in the folder's own store");
        alice.send("/ping");
        alice.expect("* pong");
      }
      assertThat(node.lines()).as("no debug lines, no stack trace").noneMatch(l -> l.contains(" DEBUG ") || l.startsWith("\tat "));
      assertThat(dir.resolve("data").resolve("chatbus.mv.db")).exists();
    } finally {
      node.process().destroyForcibly();
    }
  }
}
