package dev.chatbus.edge;

import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging in and renaming: validation and uniqueness, as users see them. */
@ExtendWith(VertxExtension.class)
class NamesTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestNode.start(vertx).port();
  }

  @Test
  void reservedNamesAreKeptFromUsersWhateverTheCase() {
    try (TestClient c = TestClient.connect(port)) {
      c.readLine();
      c.send("Admin");
      c.expect("! the name Admin is reserved");
      c.expect("* Please enter your name:");
      c.send("server");
      c.expect("! the name server is reserved");
      c.expect("* Please enter your name:");
      c.send("alice");
      c.expectStartsWith("* welcome alice.");
      c.send("/nick root");
      c.expect("! the name root is reserved");
    }
    try (TestClient j = TestClient.connect(port)) {
      j.readLine();
      j.send(new JsonObject().put("op", "hello").put("name", "chatbus").encode());
      JsonObject refused = j.readJson();
      assertThat(refused.getString("code")).isEqualTo("bad_name");
      assertThat(refused.getString("message")).isEqualTo("the name chatbus is reserved");
    }
  }

  @Test
  void invalidNamesAreRefusedWithTheReasonAndThePromptAgain() {
    try (TestClient c = TestClient.connect(port)) {
      c.readLine();
      c.send("9lives");
      c.expect("! invalid name: a name cannot start with a digit or '-'");
      c.expect("* Please enter your name:");
      c.send("two words");
      c.expect("! invalid name: a name may only hold letters, digits and _-[]\\^{}|");
      c.expect("* Please enter your name:");
      c.send("x".repeat(33));
      c.expect("! invalid name: a name has at most 32 characters");
      c.expect("* Please enter your name:");
      c.send("");
      c.expect("! invalid name: a name needs at least one character");
      c.expect("* Please enter your name:");
      c.send("[Good]_name-2");
      c.expectStartsWith("* welcome [Good]_name-2.");
    }
  }

  @Test
  void namesAreUniqueIgnoringCase() {
    try (TestClient alice = TestClient.text(port, "Alice"); TestClient other = TestClient.connect(port)) {
      other.readLine();
      other.send("aLiCe");
      other.expect("! the name aLiCe is taken");
      other.expect("* Please enter your name:");
      other.send("alice2");
      other.expectStartsWith("* welcome alice2.");
      alice.expect("* alice2 has joined #lobby");
      other.send("/nick ALICE");
      other.expect("! the name ALICE is taken");
      alice.send("/nick alice");
      alice.expect("* you are now known as alice");
      other.expect("* Alice is now known as alice");
    }
  }

  @Test
  void aNameIsFreeAgainOnceItsOwnerIsGone() {
    TestClient first = TestClient.text(port, "carol");
    first.send("/quit");
    first.readUntilClosed();
    first.close();
    try (TestClient again = TestClient.text(port, "carol")) {
      again.send("/who");
      again.expect("* 1 in #lobby: carol");
    }
  }

  @Test
  void jsonLoginErrors() {
    try (TestClient taken = TestClient.json(port, "jay"); TestClient j = TestClient.connect(port)) {
      j.readLine();
      j.send(new JsonObject().put("op", "say").put("room", "lobby").put("text", "too early").put("ref", 1));
      JsonObject early = j.readJson();
      assertThat(early.getString("code")).isEqualTo("not_logged_in");
      j.send(new JsonObject().put("op", "hello").put("name", "JAY").put("ref", 2));
      JsonObject error = j.readJson();
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("name_taken");
      assertThat(error.getInteger("ref")).isEqualTo(2);
      j.send(new JsonObject().put("op", "hello").put("name", "-x").put("ref", 3));
      assertThat(j.readJson().getString("code")).isEqualTo("bad_name");
      j.send(new JsonObject().put("op", "hello").put("name", "kay").put("ref", 4));
      JsonObject welcome = j.readJson();
      assertThat(welcome.getString("type")).isEqualTo("welcome");
      assertThat(welcome.getString("name")).isEqualTo("kay");
      assertThat(welcome.getString("node")).isEqualTo("test");
      assertThat(welcome.getInteger("ref")).isEqualTo(4);
      j.send(new JsonObject().put("op", "hello").put("name", "kay2"));
      assertThat(j.readJson("error").getString("code")).isEqualTo("bad_request");
    }
  }

  @Test
  void concurrentLoginsWithOneNameLetExactlyOneIn() throws Exception {
    int n = 20;
    List<TestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        TestClient c = TestClient.connect(port);
        c.readLine();
        clients.add(c);
      }
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (TestClient c : clients) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          c.send("same");
          return c.readLine();
        }));
      }
      go.countDown();
      long welcomed = 0;
      for (CompletableFuture<String> a : answers) {
        String line = a.get(20, TimeUnit.SECONDS);
        assertThat(line).isIn("* welcome same. You are in #lobby with no one else. /help lists the commands.",
          "! the name same is taken");
        welcomed += line.startsWith("* welcome") ? 1 : 0;
      }
      assertThat(welcomed).isEqualTo(1);
    } finally {
      clients.forEach(TestClient::close);
    }
  }
}
