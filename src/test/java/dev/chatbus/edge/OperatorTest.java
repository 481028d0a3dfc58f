package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Room operators: who they are, what they may do, and what everyone sees of it, over real sockets. */
@ExtendWith(VertxExtension.class)
class OperatorTest {

  @Test
  void theFirstInARoomIsItsOperatorAndGivesAndTakesTheStatus(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.send("JOIN #rust");
      alice.expect(":alice!~alice@test JOIN #rust");
      alice.expect(":irc.test 353 alice = #rust :@alice");
      alice.readLine();
      bob.send("JOIN #rust");
      bob.readUntil(l -> l.equals(":irc.test 353 bob = #rust :@alice bob"));
      bob.readLine();
      tom.send("/join rust");
      tom.expect("* you are now in #rust with 2 others.");
      tom.send("/who");
      tom.expect("* 3 in #rust: @alice, bob, tom");
      alice.readUntil(l -> l.equals(":tom!text@test JOIN #rust"));
      bob.expect(":tom!text@test JOIN #rust");

      bob.send("MODE #rust +o tom");
      bob.expect(":irc.test 482 bob #rust :You're not channel operator");
      bob.send("TOPIC #rust :bob's room");
      bob.expect(":irc.test 482 bob #rust :You're not channel operator");
      tom.send("/topic tom's room");
      tom.expect("! only the operators of #rust set its topic");

      alice.send("MODE #rust +o tom");
      alice.expect(":alice!~alice@test MODE #rust +o tom");
      bob.expect(":alice!~alice@test MODE #rust +o tom");
      tom.expect("* alice made tom an operator of #rust");
      tom.send("/topic tom's room");
      tom.expect("* you set the topic of #rust: tom's room");
      tom.send("/deop alice");
      tom.expect("* you took operator status from alice in #rust");
      alice.readUntil(l -> l.equals(":tom!text@test MODE #rust -o alice"));
      alice.send("MODE #rust");
      alice.expect(":irc.test 324 alice #rust +nt");
      assertThat(alice.readLine()).matches(":irc\\.test 329 alice #rust \\d+");
      tom.send("/op nobody");
      tom.expect("! no such user: nobody");

      alice.send("MODE #rust -t");
      alice.expect(":irc.test 482 alice #rust :You're not channel operator");
      try (TestClient jay = TestClient.json(node.port(), "jay")) {
        jay.send(new JsonObject().put("op", "join").put("room", "rust").put("ref", 1));
        JsonObject joined = jay.readJson("joined");
        assertThat(joined.getJsonArray("operators").getList()).containsExactly("tom");
        jay.send(new JsonObject().put("op", "who").put("room", "rust").put("ref", 2));
        assertThat(jay.readJson("who").getJsonArray("operators").getList()).containsExactly("tom");
        jay.send(new JsonObject().put("op", "op").put("room", "rust").put("name", "bob").put("ref", 3));
        assertThat(jay.readJson("error").getString("code")).isEqualTo("not_operator");
        tom.send("/op jay");
        JsonObject mode = jay.readJson("mode");
        assertThat(mode.getString("from")).isEqualTo("tom");
        assertThat(mode.getString("mode")).isEqualTo("+o");
        assertThat(mode.getString("name")).isEqualTo("jay");
      }
    }
  }

  @Test
  void anOperatorKicksAMemberOfAnyProtocol(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#rust");
      bob.join("#rust");
      tom.send("/join rust");
      tom.expect("* you are now in #rust with 2 others.");
      alice.readUntil(l -> l.equals(":tom!text@test JOIN #rust"));
      bob.readUntil(l -> l.equals(":tom!text@test JOIN #rust"));

      bob.send("KICK #rust tom");
      bob.expect(":irc.test 482 bob #rust :You're not channel operator");
      alice.send("KICK #rust nobody");
      alice.expect(":irc.test 401 alice nobody :No such nick/channel");
      alice.send("KICK #elsewhere bob");
      alice.expect(":irc.test 403 alice #elsewhere :No such channel");

      alice.send("KICK #rust tom :spamming");
      alice.expect(":alice!~alice@test KICK #rust tom :spamming");
      bob.expect(":alice!~alice@test KICK #rust tom :spamming");
      tom.expect("* alice put tom out of #rust (spamming)");
      tom.expect("* you are now in #lobby with no one else.");
      tom.send("/who rust");
      tom.expect("* 2 in #rust: @alice, bob");
      alice.send("KICK #rust tom");
      alice.expect(":irc.test 441 alice tom #rust :They aren't on that channel");

      alice.send("KICK #rust,#rust bob,nobody");
      alice.expect(":alice!~alice@test KICK #rust bob :alice");
      alice.expect(":irc.test 401 alice nobody :No such nick/channel");
      bob.expect(":alice!~alice@test KICK #rust bob :alice");
      bob.send("PRIVMSG #rust :still here?");
      bob.expect(":irc.test 404 bob #rust :Cannot send to channel");
      bob.send("JOIN #rust");
      bob.expect(":bob!~bob@test JOIN #rust");
      bob.expect(":irc.test 353 bob = #rust :@alice bob");
    }
  }

  @Test
  void theDefaultRoomHasNoOperatorsUnlessConfigured(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (TestClient tom = TestClient.text(node.port(), "tom")) {
      tom.send("/who");
      tom.expect("* 1 in #lobby: tom");
      tom.send("/topic mine");
      tom.expect("! only the operators of #lobby set its topic");
    }
  }

  @Test
  void theDefaultRoomCanHaveOperators(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("rooms", new JsonObject().put("defaultRoomOperators", true)));
    try (TestClient tom = TestClient.text(node.port(), "tom"); TestClient kim = TestClient.text(node.port(), "kim")) {
      tom.expect("* kim has joined #lobby");
      tom.send("/kick kim bye");
      tom.expect("* you put kim out of #lobby");
      kim.expect("* tom put kim out of #lobby (bye)");
      kim.send("hello?");
      kim.expect("! you are in no room; /join one");
      kim.send("/join lobby");
      kim.expect("* you are now in #lobby with 1 other.");
    }
  }
}
