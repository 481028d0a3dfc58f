package dev.chatbus.edge;

import dev.chatbus.bus.Addresses;
import dev.chatbus.support.BridgeClient;
import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One room with an IRC client, a text client, a JSON client and a service on the event-bus bridge: each
 * sees the others' messages, renames, topic changes and kicks in its own protocol.
 */
@ExtendWith(VertxExtension.class)
class MixedRoomTest {

  @Test
  void fourProtocolsInOneRoom(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient tom = TestClient.text(node.port(), "tom");
         TestClient jay = TestClient.json(node.port(), "jay");
         BridgeClient bot = BridgeClient.connect(node.bridgePort())) {
      tom.expect("* jay has joined #lobby");
      alice.join("#rust");
      tom.send("/join rust");
      tom.expect("* you are now in #rust with 1 other.");
      jay.send(new JsonObject().put("op", "join").put("room", "rust").put("ref", 1));
      jay.readJson("joined");
      tom.expect("* jay has joined #rust");
      alice.expect(":tom!text@test JOIN #rust");
      alice.expect(":jay!json@test JOIN #rust");
      bot.register(Addresses.apiRoom("rust"));
      // The bridge handles a client's frames in order: once this is answered, the registration is in place.
      assertThat(bot.request(Addresses.API_ROOMS, new JsonObject()).getString("type")).isEqualTo("message");

      // Messages.
      alice.send("PRIVMSG #rust :from irc");
      tom.expect("alice: from irc");
      assertThat(jay.readJson("message").getString("text")).isEqualTo("from irc");
      assertThat(botEvent(bot, "message").getString("text")).isEqualTo("from irc");
      tom.send("from text");
      alice.expect(":tom!text@test PRIVMSG #rust :from text");
      assertThat(jay.readJson("message").getString("text")).isEqualTo("from text");
      assertThat(botEvent(bot, "message").getString("from")).isEqualTo("tom");
      JsonObject said = bot.request(Addresses.API_SAY, new JsonObject().put("service", "deploy").put("room", "rust")
        .put("text", "v2 is out"));
      assertThat(said.getString("type")).isEqualTo("message");
      alice.expect(":deploy!service@test PRIVMSG #rust :v2 is out");
      tom.expect("[service] deploy: v2 is out");
      assertThat(jay.readJson("message").getBoolean("service")).isTrue();
      botEvent(bot, "message");

      // Renames.
      jay.send(new JsonObject().put("op", "nick").put("name", "jason").put("ref", 2));
      jay.readJson("renamed");
      alice.expect(":jay!json@test NICK :jason");
      tom.expect("* jay is now known as jason");
      assertThat(botEvent(bot, "rename").getString("to")).isEqualTo("jason");

      // Topics: from IRC (an operator), and from the service.
      alice.send("TOPIC #rust :all about Rust");
      alice.readLine();
      tom.expect("* alice set the topic of #rust: all about Rust");
      assertThat(jay.readJson("topic_set").getString("text")).isEqualTo("all about Rust");
      assertThat(botEvent(bot, "topic_set").getString("from")).isEqualTo("alice");
      JsonObject topic = bot.request(Addresses.API_TOPIC, new JsonObject().put("service", "deploy").put("room", "rust")
        .put("topic", "Rust, deployed"));
      assertThat(topic.getJsonObject("body").getJsonObject("topic").getString("text")).isEqualTo("Rust, deployed");
      alice.expect(":deploy!service@test TOPIC #rust :Rust, deployed");
      tom.expect("* deploy set the topic of #rust: Rust, deployed");
      assertThat(jay.readJson("topic_set").getString("from")).isEqualTo("deploy");
      botEvent(bot, "topic_set");

      // Kicks: the service puts the JSON client out, the IRC operator the text client.
      JsonObject kicked = bot.request(Addresses.API_MODERATE, new JsonObject().put("service", "deploy").put("room", "rust")
        .put("action", "kick").put("name", "jason").put("reason", "maintenance"));
      assertThat(kicked.getJsonObject("body").getLong("seq")).isPositive();
      alice.expect(":deploy!service@test KICK #rust jason :maintenance");
      tom.expect("* deploy put jason out of #rust (maintenance)");
      JsonObject out = jay.readJson("kick");
      assertThat(out.getString("name")).isEqualTo("jason");
      assertThat(out.getString("reason")).isEqualTo("maintenance");
      assertThat(botEvent(bot, "kick").getString("name")).isEqualTo("jason");
      alice.send("KICK #rust tom :enough");
      alice.expect(":alice!~alice@test KICK #rust tom :enough");
      tom.expect("* alice put tom out of #rust (enough)");
      tom.expect("* you are now in #lobby with 1 other.");
      assertThat(botEvent(bot, "kick").getString("name")).isEqualTo("tom");

      // Flags, several at once: one MODE line, one event each other protocol renders in its own form.
      bot.request(Addresses.API_MODERATE, new JsonObject().put("service", "deploy").put("room", "rust")
        .put("action", "flags").put("flags", "+m-t"));
      alice.expect(":deploy!service@test MODE #rust +m-t");
      assertThat(botEvent(bot, "mode").getString("mode")).isEqualTo("+m-t");

      JsonObject refused = bot.request(Addresses.API_MODERATE, new JsonObject().put("service", "deploy").put("room", "rust")
        .put("action", "dance"));
      assertThat(refused.getString("type")).isEqualTo("err");
    }
  }

  /** The body of the next event of {@code type} the service hears from the room. */
  private static JsonObject botEvent(BridgeClient bot, String type) {
    return bot.read(f -> "message".equals(f.getString("type")) && f.getJsonObject("body") != null
      && type.equals(f.getJsonObject("body").getString("type"))).getJsonObject("body");
  }
}
