package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

  /** A client connecting from {@code address} (another loopback address than the tests' 127.0.0.1). */
  private static TestClient from(String address, int port) {
    return TestClient.connect(port, socket -> {
      try {
        socket.bind(new InetSocketAddress(address, 0));
      } catch (IOException e) {
        throw new AssertionError("cannot bind to " + address, e);
      }
    });
  }

  @Test
  void serverOperatorsSeeWhereUsersConnectFromAndBanAnAddressFromTheServer(Vertx vertx) {
    TestNode node = start(vertx);
    try (TestClient olga = TestClient.text(node.port(), "olga"); TestClient tom = TestClient.text(node.port(), "tom");
         TestClient mallory = from("127.0.0.2", node.port())) {
      mallory.expectStartsWith("* chatbus");
      mallory.send("mallory");
      mallory.expectStartsWith("* welcome mallory.");
      // Where someone connects from is shown to server operators (and to themselves) only.
      tom.send("/whois mallory");
      assertThat(tom.readUntil(l -> l.startsWith("* mallory "))).doesNotContain("127.0.0.2");
      olga.send("/banaddress 127.0.0.2 spam");
      olga.readUntil(l -> l.equals("! only server operators ban addresses and names"));
      olga.send("/oper root hunter2:x");
      olga.readUntil(l -> l.startsWith("* you are a server operator now"));
      olga.send("/whois mallory");
      assertThat(olga.readUntil(l -> l.startsWith("* mallory "))).contains("; from 127.0.0.2");
      olga.send("/banaddress 127.0.0.300");
      olga.readUntil(l -> l.equals("! neither an IP address nor a name: 127.0.0.300"));
      olga.send("/banaddress 127.0.0.2 spam");
      olga.readUntil(l -> l.equals("* 127.0.0.2 is banned from the server: its users are disconnected"));
      assertThat(mallory.readUntilClosed()).contains("! a server operator disconnected you");
      tom.readUntil(l -> l.equals("* mallory has left #lobby (killed by olga: banned: spam)"));
    }
    try (TestClient again = from("127.0.0.2", node.port())) {
      assertThat(again.readUntilClosed()).containsExactly("! this address is banned from the server");
    }
    try (IrcClient olga = IrcClient.registered(node.ircPort(), "olga2")) {
      olga.send("OPER root hunter2:x");
      olga.readUntil(l -> l.equals(":olga2!~olga2@test MODE olga2 :+o"));
      olga.send("UNKLINE *@127.0.0.2");
      olga.readUntil(l -> l.equals(":irc.test NOTICE olga2 :Lifted the ban of 127.0.0.2"));
    }
    try (TestClient back = from("127.0.0.2", node.port())) {
      back.expectStartsWith("* chatbus");
      back.send("mallory");
      back.expectStartsWith("* welcome mallory.");
    }
  }

  @Test
  void everyModerationActionGoesIntoTheAuditTable(Vertx vertx) throws Exception {
    String url = Postgres.freshSchemaUrl();
    TestNode node = TestNode.start(vertx, new JsonObject().put("operators", new JsonArray().add("root:hunter2:x"))
      .put("persistence", Postgres.persistence(url)));
    try (TestClient olga = TestClient.text(node.port(), "olga"); TestClient bob = TestClient.text(node.port(), "bob");
         TestClient eve = TestClient.text(node.port(), "eve")) {
      olga.send("/oper root hunter2:x");
      olga.readUntil(l -> l.startsWith("* you are a server operator now"));
      olga.send("/mode +m");
      olga.readUntil(l -> l.startsWith("* you let only operators and voiced members speak"));
      olga.send("/kick bob flooding");
      olga.readUntil(l -> l.equals("* you put bob out of #lobby"));
      olga.send("/kill eve spam");
      olga.readUntil(l -> l.equals("* you disconnected eve"));
      olga.send("/banaddress 192.0.2.7 spam");
      olga.readUntil(l -> l.startsWith("* 192.0.2.7 is banned"));
    }
    List<String> rows = new ArrayList<>();
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
      rows.clear();
      try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
           Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT actor, action, target, detail FROM audit ORDER BY id")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
        }
      }
      assertThat(rows).containsExactlyInAnyOrder("olga mode #lobby +m", "olga kick #lobby bob flooding",
        "olga kill eve spam", "olga ban_address 192.0.2.7 spam");
    });
  }

  @Test
  void aServerOperatorClosesARoomAndListsWhoIsConnectedFromWhere(Vertx vertx) {
    TestNode node = start(vertx);
    try (TestClient olga = TestClient.text(node.port(), "olga"); TestClient tom = TestClient.text(node.port(), "tom");
         IrcClient ivy = IrcClient.registered(node.ircPort(), "ivy")) {
      tom.send("/join rust");
      tom.readUntil(l -> l.startsWith("* you are now in #rust"));
      ivy.join("#rust");
      olga.send("/closeroom rust spam");
      olga.readUntil(l -> l.equals("! only server operators close rooms"));
      olga.send("/oper root hunter2:x");
      olga.readUntil(l -> l.startsWith("* you are a server operator now"));
      olga.send("/connections");
      assertThat(olga.readUntil(l -> l.startsWith("* tom "))).contains("; from 127.0.0.1");
      olga.send("/closeroom rust spam");
      olga.readUntil(l -> l.equals("* #rust is closed: its members are put out, and only server operators enter it"));
      tom.readUntil(l -> l.contains("#rust") && l.contains("room closed: spam"));
      ivy.readUntil(l -> l.contains(" KICK #rust ivy :room closed: spam"));
      ivy.send("JOIN #rust");
      ivy.readUntil(l -> l.equals(":irc.test 474 ivy #rust :Cannot join channel (closed by a server operator)"));
      tom.send("/join rust");
      tom.readUntil(l -> l.equals("! #rust is closed: spam"));
      olga.send("/join rust");
      olga.readUntil(l -> l.startsWith("* you are now in #rust"));
      olga.send("/openroom rust");
      olga.readUntil(l -> l.equals("* #rust is open again"));
      ivy.join("#rust");
    }
  }

  @Test
  void anOperatorsAccountIsAServerOperatorOnceIdentifiedAndNamesAreBannedFromTheServer(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject().put("operators", new JsonArray().add("root:hunter2:x").add("Alice")));
    try (TestClient alice = TestClient.text(node.port(), "alice"); TestClient eve = TestClient.text(node.port(), "eve");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.send("/banname eve");
      alice.readUntil(l -> l.equals("! only server operators ban addresses and names"));
      // Registering identifies alice as her account, which the operators setting names.
      alice.send("/register correct horse");
      alice.readUntil(l -> l.startsWith("* the name alice is registered"));
      tom.send("/whois alice");
      tom.readUntil(l -> l.startsWith("* alice ") && l.contains("identified as alice"));
      alice.send("/banname eve spam");
      alice.readUntil(l -> l.equals("* eve is banned from the server: whoever holds it is disconnected"));
      assertThat(eve.readUntilClosed()).contains("! a server operator disconnected you");
      tom.send("/nick eve");
      assertThat(tom.readUntil(l -> l.startsWith("! ") || l.startsWith("* you are now known as")))
        .isEqualTo("! the name eve is banned from the server: spam");
      try (TestClient again = TestClient.connect(node.port())) {
        again.expectStartsWith("* chatbus");
        again.send("eve");
        again.expect("! the name eve is banned from the server: spam");
      }
      alice.send("/unbanname eve");
      alice.readUntil(l -> l.equals("* eve is no longer banned"));
      tom.send("/nick eve");
      tom.readUntil(l -> l.equals("* you are now known as eve"));
    }
  }
}
