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

/** WHO, WHOIS, AWAY and invisibility, over real sockets. */
@ExtendWith(VertxExtension.class)
class IrcLookupTest {

  @Test
  void whoListsAChannelsMembersWithTheirFlags(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#rust");
      bob.join("#rust");
      tom.send("/join rust");
      tom.readLine();
      bob.expect(":tom!text@test JOIN #rust");
      bob.send("AWAY :lunch");
      bob.expect(":irc.test 306 bob :You have been marked as being away");
      alice.drain();
      alice.send("WHO #rust");
      alice.expect(":irc.test 352 alice #rust ~alice test irc.test alice H@ :0 alice the tester");
      alice.expect(":irc.test 352 alice #rust ~bob test irc.test bob G :0 bob the tester");
      alice.expect(":irc.test 352 alice #rust text test irc.test tom H :0 Chatbus text client");
      alice.expect(":irc.test 315 alice #rust :End of WHO list");
      alice.send("WHO B*");
      alice.expect(":irc.test 352 alice * ~bob test irc.test bob G :0 bob the tester");
      alice.expect(":irc.test 315 alice B* :End of WHO list");
      alice.send("PRIVMSG bob :are you there?");
      alice.expect(":irc.test 301 alice bob :lunch");
      bob.expect(":alice!~alice@test PRIVMSG bob :are you there?");
      bob.send("AWAY");
      bob.expect(":irc.test 305 bob :You are no longer marked as being away");
    }
  }

  @Test
  void whoisSaysWhoAndWhereAndHidesTheInvisible(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob")) {
      alice.send("JOIN #a,#b");
      alice.readUntil(l -> l.contains(" 366 alice #b "));
      bob.send("WHOIS  Alice");
      bob.expect(":irc.test 311 bob alice ~alice test * :alice the tester");
      bob.expect(":irc.test 319 bob alice :@#a @#b");
      bob.expect(":irc.test 312 bob alice irc.test :Chatbus node test");
      bob.expect(":irc.test 318 bob alice :End of /WHOIS list");
      bob.send("WHOIS nobody");
      bob.expect(":irc.test 401 bob nobody :No such nick/channel");
      bob.expect(":irc.test 318 bob nobody :End of /WHOIS list");

      alice.send("MODE alice +i");
      alice.expect(":alice!~alice@test MODE alice :+i");
      alice.send("MODE alice");
      alice.expect(":irc.test 221 alice +i");
      bob.send("WHOIS alice");
      bob.expect(":irc.test 311 bob alice ~alice test * :alice the tester");
      bob.expect(":irc.test 312 bob alice irc.test :Chatbus node test");
      bob.readLine();
      bob.send("WHO a*");
      bob.expect(":irc.test 315 bob a* :End of WHO list");
      bob.send("WHO alice");
      bob.expect(":irc.test 352 bob * ~alice test irc.test alice H :0 alice the tester");
      bob.expect(":irc.test 315 bob alice :End of WHO list");
      bob.send("WHO #b");
      bob.expect(":irc.test 315 bob #b :End of WHO list");
      bob.join("#b");
      bob.send("WHOIS alice");
      bob.readLine();
      bob.expect(":irc.test 319 bob alice :@#b");
      bob.readUntil(l -> l.contains(" 318 "));
      bob.send("WHO a*");
      assertThat(bob.readLine()).startsWith(":irc.test 352 bob * ~alice test irc.test alice H");
    }
  }

  @Test
  void textAndJsonClientsAskWhoIsWhoAndGoAway(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient tom = TestClient.text(node.port(), "tom");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      tom.expect("* jay has joined #lobby");
      alice.join("#rust");
      tom.send("/away brb");
      tom.expect("* you are marked as away");
      tom.send("/whois alice");
      tom.expect("* alice (~alice@test): alice the tester; in #rust");
      jay.send(new JsonObject().put("op", "whois").put("name", "tom").put("ref", 1));
      JsonObject who = jay.readJson("whois").getJsonArray("people").getJsonObject(0);
      assertThat(who.getString("name")).isEqualTo("tom");
      assertThat(who.getString("away")).isEqualTo("brb");
      assertThat(who.getJsonArray("rooms").getList()).containsExactly("lobby");
      tom.send("/away");
      tom.expect("* you are back");
      tom.send("/whois nobody");
      tom.expect("! no such user: nobody");
    }
  }

  @Test
  void lusersCountsUsersInvisibleOnesAndChannels(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.send("MODE alice +i");
      alice.readLine();
      alice.send("LUSERS");
      alice.expect(":irc.test 251 alice :There are 1 users and 1 invisible on 1 servers");
      alice.expect(":irc.test 252 alice 0 :operator(s) online");
      alice.expect(":irc.test 254 alice 1 :channels formed");
      alice.expect(":irc.test 255 alice :I have 2 clients and 0 servers");
      alice.expect(":irc.test 265 alice :Current local users: 2");
      alice.expect(":irc.test 266 alice :Current global users: 2");
      tom.send("/users");
      tom.expect("* 2 users in 1 room on 1 node, 2 on this one");
    }
  }
}
