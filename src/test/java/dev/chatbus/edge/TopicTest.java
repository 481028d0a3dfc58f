package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A room's topic, set and seen from IRC, text and JSON clients, over real sockets. */
@ExtendWith(VertxExtension.class)
class TopicTest {

  @Test
  void aTopicIsSetAndSeenInEveryProtocol(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient tom = TestClient.text(node.port(), "tom");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      tom.expect("* jay has joined #lobby");
      alice.join("#rust");
      alice.send("TOPIC #rust");
      alice.expect(":irc.test 331 alice #rust :No topic is set");
      tom.send("/join rust");
      tom.expect("* you are now in #rust with 1 other.");
      jay.send(new JsonObject().put("op", "join").put("room", "rust").put("ref", 1));
      assertThat(jay.readJson("joined").containsKey("topic")).isFalse();
      tom.expect("* jay has joined #rust");
      alice.expect(":tom!text@test JOIN #rust");
      alice.expect(":jay!json@test JOIN #rust");

      alice.send("TOPIC #rust :all about Rust");
      alice.expect(":alice!~alice@test TOPIC #rust :all about Rust");
      tom.expect("* alice set the topic of #rust: all about Rust");
      JsonObject set = jay.readJson("topic_set");
      assertThat(set.getString("from")).isEqualTo("alice");
      assertThat(set.getString("text")).isEqualTo("all about Rust");

      tom.send("/topic");
      assertThat(tom.readLine()).matches("\\* the topic of #rust: all about Rust \\(set by alice on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)");
      alice.send("MODE #rust -t");
      alice.expect(":alice!~alice@test MODE #rust -t");
      tom.expect("* alice let everyone in #rust set its topic");
      tom.send("/topic Rust, and its friends");
      tom.expect("* you set the topic of #rust: Rust, and its friends");
      alice.expect(":tom!text@test TOPIC #rust :Rust, and its friends");
      alice.send("TOPIC #rust");
      alice.expect(":irc.test 332 alice #rust :Rust, and its friends");
      assertThat(alice.readLine()).matches(":irc\\.test 333 alice #rust tom \\d+");
      jay.send(new JsonObject().put("op", "topic").put("room", "rust").put("ref", 2));
      JsonObject asked = jay.readJson("topic");
      assertThat(asked.getJsonObject("topic").getString("text")).isEqualTo("Rust, and its friends");
      assertThat(asked.getJsonObject("topic").getString("by")).isEqualTo("tom");
      assertThat(asked.getInteger("ref")).isEqualTo(2);

      try (IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
           TestClient kim = TestClient.text(node.port(), "kim")) {
        bob.send("JOIN #rust");
        bob.expect(":bob!~bob@test JOIN #rust");
        bob.expect(":irc.test 332 bob #rust :Rust, and its friends");
        assertThat(bob.readLine()).matches(":irc\\.test 333 bob #rust tom \\d+");
        assertThat(bob.readLine()).startsWith(":irc.test 353 bob = #rust :");
        kim.send("/join rust");
        kim.expect("* you are now in #rust with 4 others.");
        kim.expect("* topic: Rust, and its friends (set by tom)");
      }
      Set<String> left = new HashSet<>();
      while (left.size() < 2) {
        String line = tom.readLine();
        // Closed, or lost when the client closed with lines still unread (a reset).
        if (line.matches("\\* (bob|kim) has left #rust \\(connection (closed|lost)\\)")) {
          left.add(line);
        }
      }

      alice.send("TOPIC #rust :");
      alice.readUntil(l -> l.equals(":alice!~alice@test TOPIC #rust :"));
      tom.readUntil(l -> l.equals("* alice cleared the topic of #rust"));
      tom.send("/topic");
      tom.expect("* #rust has no topic");
    }
  }

  @Test
  void onlyMembersSetATopicAndOnlyOfARoomThatExists(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.send("TOPIC #lobby :mine now");
      alice.expect(":irc.test 442 alice #lobby :You're not on that channel");
      alice.send("TOPIC #nowhere");
      alice.expect(":irc.test 403 alice #nowhere :No such channel");
      alice.send("TOPIC");
      alice.expect(":irc.test 461 alice TOPIC :Not enough parameters");
      alice.send("TOPIC #lobby");
      alice.expect(":irc.test 331 alice #lobby :No topic is set");
      tom.send("/join cut");
      tom.expect("* you are now in #cut with no one else.");
      tom.send("/topic " + "x".repeat(500));
      assertThat(tom.readLine()).as("cut to TOPICLEN").isEqualTo("* you set the topic of #cut: " + "x".repeat(390));
    }
  }
}
