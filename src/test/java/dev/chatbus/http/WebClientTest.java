package dev.chatbus.http;

import dev.chatbus.support.Browser;
import dev.chatbus.support.ChatbusProcess;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web client in a real headless Chromium, served by the node it talks to, beside {@code nc} users: what
 * the people see on the page. Skipped where no Chromium is installed (CI installs it).
 */
class WebClientTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private Vertx vertx;

  @BeforeAll
  static void browserInstalled() {
    assumeTrue(Browser.available(), Browser.MISSING);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private TestNode node(JsonObject overrides) {
    vertx = Vertx.vertx();
    return TestNode.start(vertx, overrides);
  }

  private Browser browser(TestNode node, String name) {
    return keep(Browser.open("http://127.0.0.1:" + node.httpPort() + "/")).login(name);
  }

  @Test
  void twoBrowserUsersAndAnNcUserTalkInOneRoom() {
    TestNode node = node(new JsonObject().put("history", new JsonObject().put("replayOnJoin", 20)));
    TestClient nc = keep(TestClient.text(node.port(), "nc"));
    Browser ann = browser(node, "ann");
    Browser bea = browser(node, "bea");
    nc.readUntil(l -> l.equals("* bea has joined #lobby"));
    assertThat(ann.title()).isEqualTo("#lobby");
    ann.waitFor(() -> ann.members().containsAll(List.of("ann", "bea", "nc")), "ann, bea and nc as members");

    ann.say("hello from a browser");
    nc.readUntil(l -> l.equals("ann: hello from a browser"));
    bea.waitForLine("ann hello from a browser");
    nc.send("hello browsers, from nc");
    ann.waitForLine("nc hello browsers, from nc");
    bea.waitForLine("nc hello browsers, from nc");
    bea.say("/me waves");
    nc.readUntil(l -> l.equals("* bea waves"));
    ann.waitForLine("* bea waves");

    // Another room, made by nc, with its topic: ann enters it, and the lobby counts what she has not read.
    TestClient rust = keep(TestClient.text(node.port(), "rustacean"));
    rust.send("/join rust");
    rust.readUntil(l -> l.startsWith("* you are now in #rust"));
    rust.send("/topic all about Rust");
    rust.send("welcome to #rust");
    ann.join("rust");
    ann.waitFor(() -> ann.topic().equals("all about Rust"), "the topic of #rust");
    ann.waitForLine("rustacean welcome to #rust");
    ann.waitFor(() -> ann.members().equals(List.of("@rustacean", "ann")), "@rustacean (its operator) and ann");
    nc.send("are you there, ann?");
    ann.waitFor(() -> ann.unread().get("#lobby") == 1, "one unread line in #lobby");
    ann.show("#lobby").waitForLine("nc are you there, ann?");
    assertThat(ann.unread().get("#lobby")).isZero();

    // A private message opens a conversation of its own; a rename shows everywhere.
    nc.send("/msg bea just between us");
    bea.waitFor(() -> bea.unread().getOrDefault("@nc", 0L) == 1, "a private conversation with nc");
    bea.show("@nc").waitForLine("nc just between us");
    bea.say("ok");
    nc.readUntil(l -> l.equals("[pm] bea: ok"));
    bea.say("/nick beatrice");
    nc.readUntil(l -> l.equals("* bea is now known as beatrice"));
    ann.waitForLine("bea is now known as beatrice");
    ann.screenshot(Path.of("target", "screenshots", "web-client.png"));
    // On a phone: one column, the rooms and members a tap away.
    Browser cy = keep(Browser.open("http://127.0.0.1:" + node.httpPort() + "/", 390, 844)).login("cy");
    nc.send("hello cy");
    cy.waitForLine("nc hello cy");
    cy.screenshot(Path.of("target", "screenshots", "web-client-phone.png"));
  }

  @Test
  void theDashboardShowsTheNodesFiguresBehindTheReadToken() {
    NodeMetrics metrics = NodeMetrics.create();
    vertx = metrics.vertxBuilder(new VertxOptions()).build();
    TestNode node = TestNode.start(vertx, metrics, null, new JsonObject()
      .put("http", new JsonObject().put("readToken", "r3ad"))
      .put("limits", new JsonObject().put("rate", TestNode.unlimitedRate())));
    TestClient alice = keep(TestClient.text(node.port(), "alice"));
    keep(TestClient.text(node.port(), "bob"));
    Browser ops = keep(Browser.open("http://127.0.0.1:" + node.httpPort() + "/dashboard.html"));
    ops.type("token", "wrong");
    ops.submit("token-form");
    ops.waitFor(() -> ops.text("token-error").startsWith("reading needs"), "the token refused");
    ops.type("token", "r3ad");
    ops.submit("token-form");
    ops.waitFor(() -> "2".equals(ops.figure("cluster", "connections")), "two connections in the cluster");
    assertThat(ops.figure("test", "connections")).isEqualTo("2");
    for (int i = 0; i < 200; i++) {
      alice.send("line " + i);
    }
    ops.waitFor(() -> Double.parseDouble(ops.figure("cluster", "messagesPerSecond")) > 0, "messages coming in");
    ops.screenshot(Path.of("target", "screenshots", "dashboard.png"));
  }

  @Test
  void aLongMessageAndAFloodGetTheErrorsTheyGetOnTcp() {
    TestNode node = node(new JsonObject().put("limits", new JsonObject()
      .put("rate", new JsonObject().put("linesPerSecond", 2).put("burst", 5).put("disconnectAfter", "300ms"))));
    TestClient nc = keep(TestClient.text(node.port(), "nc"));
    Browser ann = browser(node, "ann");
    ann.say("x".repeat(5000));
    ann.waitForLine(l -> l.startsWith("ann xxxx") && l.endsWith(" (line too long (the limit is 4096 bytes); it was dropped)"),
      "the long message struck out as too long");
    // A flood, as a script in the page would send it: a line every 5 ms for a second, longer than the 300 ms
    // over the rate after which the server disconnects (a burst sent within 300 ms is only dropped).
    ann.script("const f = document.getElementById('say'), i = document.getElementById('input'); let n = 0;"
      + "const t = setInterval(() => { i.value = 'flood ' + n++; f.requestSubmit();"
      + " if (n >= 200) clearInterval(t); }, 5);");
    ann.waitForLine("slow down");
    ann.waitForLine("The server closed the connection: too many lines for too long, bye");
    nc.readUntil(l -> l.equals("* ann has left #lobby (flooding)"));
    // The page comes back by itself, as after any lost connection.
    ann.waitFor(() -> "online".equals(ann.status()), "online again");
  }

  @Test
  void aBrowserCatchesUpAfterTheNodeRestartsGracefullyAndAfterItIsKilled() throws Exception {
    int port = ChatbusProcess.freePort();
    int httpPort = ChatbusProcess.freePort();
    JsonObject conf = new JsonObject()
      .put("http", new JsonObject().put("port", httpPort))
      .put("persistence", new JsonObject().put("embedded", new JsonObject().put("path", TestNode.freshStorePath())));
    ChatbusProcess node = ChatbusProcess.listening(port, conf);
    try {
      Browser ann = keep(Browser.open("http://127.0.0.1:" + httpPort + "/")).login("ann");
      try (TestClient nc = TestClient.text(port, "nc")) {
        nc.send("one");
        ann.waitForLine("nc one");
      }

      node.terminate();
      ann.waitForLine("The server closed the connection: server shutting down");
      ann.waitFor(() -> ann.banner().startsWith("Connection lost."), "the connection lost");
      node.process().waitFor(30, TimeUnit.SECONDS);
      node = ChatbusProcess.listening(port, conf);
      // Said before the page is back (it waits a second or more before trying again): it learns of it then.
      try (TestClient nc = TestClient.text(port, "nc")) {
        nc.send("two");
        ann.waitForLine("nc two");
        assertThat(ann.banner()).isEmpty();
      }

      node.kill();
      ann.waitFor(() -> !"online".equals(ann.status()), "the connection lost");
      node = ChatbusProcess.listening(port, conf);
      try (TestClient nc = TestClient.text(port, "nc")) {
        nc.send("three");
        ann.waitForLine("nc three");
      }
      ann.waitFor(() -> "online".equals(ann.status()), "online again");
      assertThat(ann.messages()).containsExactly("nc one", "nc two", "nc three");
    } finally {
      node.kill();
    }
  }
}
