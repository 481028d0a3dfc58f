package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Server operators ({@code operators}): who may become one, what others see of them, and what they may do. */
@ExtendWith(VertxExtension.class)
class ServerOperatorTest {

  private static TestNode start(Vertx vertx) {
    return TestNode.start(vertx, new JsonObject().put("operators", new JsonArray().add("root:hunter2:x")));
  }

  @Test
  void operWithTheRightPasswordMakesAServerOperatorThatWhoAndWhoisShow(Vertx vertx) {
    TestNode node = start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob")) {
      alice.send("OPER root");
      alice.expect(":irc.test 461 alice OPER :Not enough parameters");
      alice.send("OPER root hunter2");
      alice.expect(":irc.test 464 alice :Password incorrect");
      alice.send("OPER nobody hunter2:x");
      alice.expect(":irc.test 464 alice :Password incorrect");
      alice.send("OPER root hunter2:x");
      alice.expect(":irc.test 381 alice :You are now an IRC operator");
      alice.expect(":alice!~alice@test MODE alice :+o");
      alice.send("MODE alice");
      alice.expect(":irc.test 221 alice +o");
      alice.send("LUSERS");
      alice.readUntil(l -> l.equals(":irc.test 252 alice 1 :operator(s) online"));
      alice.send("TIME");
      assertThat(alice.readUntil(l -> l.contains(" 391 "))).matches(":irc\\.test 391 alice irc\\.test :\\w{3}, \\d+ \\w{3} \\d{4} .* GMT");
      bob.send("WHO alice");
      bob.expect(":irc.test 352 bob * ~alice test irc.test alice H* :0 alice the tester");
      bob.send("WHOIS alice");
      bob.readUntil(l -> l.equals(":irc.test 313 bob alice :is an IRC operator"));
      bob.expect(":irc.test 318 bob alice :End of /WHOIS list");
      alice.send("MODE alice -o");
      alice.expect(":alice!~alice@test MODE alice :-o");
      bob.send("WHO alice");
      bob.expect(":irc.test 352 bob * ~alice test irc.test alice H :0 alice the tester");
    }
  }

  @Test
  void aServerOperatorActsAsAnOperatorOfEveryRoom(Vertx vertx) {
    TestNode node = start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient olga = IrcClient.registered(node.ircPort(), "olga");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#rust");
      olga.join("#rust");
      olga.send("TOPIC #rust :not mine to set");
      olga.expect(":irc.test 482 olga #rust :You're not channel operator");
      tom.send("/oper root wrong");
      tom.expect("! no server operator has that name and password");
      olga.send("OPER root hunter2:x");
      olga.readUntil(l -> l.equals(":olga!~olga@test MODE olga :+o"));
      olga.send("TOPIC #rust :set by the server's operator");
      olga.expect(":olga!~olga@test TOPIC #rust :set by the server's operator");
      olga.send("KICK #rust alice :out");
      olga.expect(":olga!~olga@test KICK #rust alice :out");
      tom.send("/oper root hunter2:x");
      tom.expect("* you are a server operator now: an operator of every room");
    }
  }

  @Test
  void aServerOperatorDisconnectsAnyoneAndTheirRoomsAreToldWhy(Vertx vertx) {
    TestNode node = start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         IrcClient olga = IrcClient.registered(node.ircPort(), "olga");
         TestClient tom = TestClient.text(node.port(), "tom");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      alice.join("#rust");
      bob.join("#rust");
      alice.send("KILL bob :go away");
      alice.readUntil(l -> l.equals(":irc.test 481 alice :Permission Denied- You're not an IRC operator"));
      tom.send("/kill bob");
      tom.readUntil(l -> l.equals("! only server operators disconnect people"));
      olga.send("OPER root hunter2:x");
      olga.readUntil(l -> l.equals(":olga!~olga@test MODE olga :+o"));
      olga.send("KILL nobody :who?");
      olga.expect(":irc.test 401 olga nobody :No such nick/channel");
      olga.send("KILL bob :spam");
      assertThat(bob.readUntilClosed()).contains("ERROR :Closing link: bob (killed)");
      alice.readUntil(l -> l.equals(":bob!~bob@test QUIT :killed by olga: spam"));
      jay.send(new JsonObject().put("op", "oper").put("name", "root").put("password", "hunter2:x").put("ref", 1));
      assertThat(jay.readJson("oper").getBoolean("serverOperator")).isTrue();
      jay.send(new JsonObject().put("op", "kill").put("name", "tom").put("ref", 2));
      assertThat(jay.readJson("killed").getString("name")).isEqualTo("tom");
      assertThat(tom.readUntilClosed()).contains("! a server operator disconnected you");
    }
  }
}
