package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A person on {@code nc}: the Tokio-chat experience and every text command, over real sockets. */
@ExtendWith(VertxExtension.class)
class TextSessionTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestNode.start(vertx).port();
  }

  @Test
  void tokioStyleSession() {
    try (TestClient alice = TestClient.connect(port)) {
      String greeting = alice.readLine();
      assertThat(greeting).startsWith("* chatbus ").endsWith(" on test. Please enter your name:");
      alice.send("alice");
      alice.expect("* welcome alice. You are in #lobby with no one else. /help lists the commands.");

      try (TestClient bob = TestClient.connect(port)) {
        bob.readLine();
        bob.send("bob");
        bob.expect("* welcome bob. You are in #lobby with 1 other. /help lists the commands.");
        alice.expect("* bob has joined #lobby");

        alice.send("hello bob");
        bob.expect("alice: hello bob");
        bob.send("hi alice");
        alice.expect("bob: hi alice");
        assertThat(alice.drain()).as("no echo to the sender").isEmpty();
        assertThat(bob.drain()).isEmpty();

        bob.send("/quit");
        bob.expect("* bye");
        assertThat(bob.readUntilClosed()).isEmpty();
      }
      alice.expect("* bob has left #lobby (quit)");
    }
  }

  @Test
  void thirdPersonSeesTheCount() {
    try (TestClient a = TestClient.text(port, "a1"); TestClient b = TestClient.text(port, "b1")) {
      a.expect("* b1 has joined #lobby");
      try (TestClient c = TestClient.connect(port)) {
        c.readLine();
        c.send("c1");
        c.expect("* welcome c1. You are in #lobby with 2 others. /help lists the commands.");
      }
    }
  }

  @Test
  void whoRoomsPingAndHelp() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      alice.send("/who");
      alice.expect("* 2 in #lobby: alice, bob");
      alice.send("/rooms");
      alice.expect("* 1 room: #lobby (2)");
      alice.send("/ping");
      alice.expect("* pong");
      alice.send("/help");
      assertThat(alice.readLine()).isEqualTo("* commands:");
      assertThat(alice.readUntil(l -> !l.startsWith("*   "))).startsWith("* any other line is said in your room");
    }
  }

  @Test
  void meNickAndEscapedSlash() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.send("/me waves");
      alice.expect("* bob waves");
      bob.send("//not a command");
      alice.expect("bob: /not a command");
      bob.send("/nick robert");
      bob.expect("* you are now known as robert");
      alice.expect("* bob is now known as robert");
      bob.send("still me");
      alice.expect("robert: still me");
      alice.send("/who");
      alice.expect("* 2 in #lobby: alice, robert");
    }
  }

  @Test
  void unknownCommandsAndUsageErrors() {
    try (TestClient alice = TestClient.text(port, "alice")) {
      alice.send("/dance");
      alice.expect("! unknown command /dance; /help lists the commands");
      alice.send("/join");
      alice.expect("! usage: /join ROOM");
      alice.send("/msg bob");
      alice.expect("! usage: /msg NAME TEXT");
      alice.send("/me");
      alice.expect("! usage: /me TEXT");
      alice.send("/nick");
      alice.expect("! usage: /nick NAME");
      alice.send("/JOIN #Rust");
      alice.expect("* you are now in #rust with no one else.");
    }
  }

  @Test
  void blankLinesAreIgnored() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.send("");
      bob.send("   ");
      bob.send("after");
      alice.expect("bob: after");
    }
  }

  @Test
  void crlfLineEndingsAndUnicode() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.text(port, "bob")) {
      alice.expect("* bob has joined #lobby");
      bob.sendRaw("grüße, 世界 🌍\r\n".getBytes(StandardCharsets.UTF_8));
      alice.expect("bob: grüße, 世界 🌍");
    }
  }

  @Test
  void commandsBeforeLoginAskForTheName() {
    try (TestClient c = TestClient.connect(port)) {
      c.readLine();
      c.send("/who");
      c.expect("! enter your name first");
      c.expect("* Please enter your name:");
      c.send("/quit");
      c.expect("* bye");
      assertThat(c.readUntilClosed()).isEmpty();
    }
  }

  @Test
  void linesTypedBeforeTheWelcomeAreKeptInOrder() {
    try (TestClient alice = TestClient.text(port, "alice"); TestClient bob = TestClient.connect(port)) {
      bob.readLine();
      bob.send("bob\nfirst\n/join rust\nsecond\n/who");
      bob.expectStartsWith("* welcome bob.");
      bob.expect("* you are now in #rust with no one else.");
      bob.expect("* 1 in #rust: @bob");
      alice.expect("* bob has joined #lobby");
      alice.expect("bob: first");
      alice.expect("* bob has left #lobby");
    }
  }
}
