package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registered rooms: an identified operator registers a room, and its operators (as accounts), bans and
 * modes then outlive its members, and a restart of the node.
 */
@ExtendWith(VertxExtension.class)
class RegisteredRoomsTest {

  private static final String PASSWORD = "correct horse";

  /** Logs in as {@code name} and registers it, or identifies as it when it is registered. */
  private static TestClient account(int port, String name) {
    TestClient c = TestClient.connect(port);
    c.expectStartsWith("* chatbus");
    c.send(name);
    String answer = c.readLine();
    if (answer.startsWith("* welcome ")) {
      c.send("/register " + PASSWORD);
      c.readUntil(l -> l.startsWith("* the name " + name + " is registered"));
    } else {
      assertThat(answer).isEqualTo("* the name " + name + " is registered. Password:");
      c.send(PASSWORD);
      c.expectStartsWith("* welcome " + name + ".");
    }
    return c;
  }

  @Test
  void aRegisteredRoomKeepsItsOperatorsBansAndModesWhenEmptyAndAcrossARestart(Vertx vertx) throws Exception {
    JsonObject store = new JsonObject().put("persistence", new JsonObject()
      .put("embedded", new JsonObject().put("path", TestNode.freshStorePath())));
    Vertx first = Vertx.vertx();
    TestNode node = TestNode.start(first, store.copy());
    try (TestClient alice = account(node.port(), "alice"); TestClient bob = account(node.port(), "bob");
         TestClient carol = TestClient.text(node.port(), "carol")) {
      alice.send("/join rust");
      alice.readUntil(l -> l.startsWith("* you are now in #rust"));
      bob.send("/join rust");
      bob.readUntil(l -> l.startsWith("* you are now in #rust"));
      carol.send("/join rust");
      carol.readUntil(l -> l.startsWith("* you are now in #rust"));
      carol.send("/registerroom");
      carol.readUntil(l -> l.equals("! a room is registered to an account: identify first"));
      bob.send("/registerroom");
      bob.readUntil(l -> l.equals("! only an operator of #rust registers it"));
      alice.send("/registerroom");
      alice.readUntil(l -> l.equals("* #rust is registered to you: its operators, bans and modes are kept while it is empty"));
      alice.send("/registerroom");
      alice.readUntil(l -> l.equals("! #rust is registered to alice already"));
      alice.send("/op bob");
      alice.readUntil(l -> l.startsWith("* you made bob an operator"));
      alice.send("/mode +m");
      alice.readUntil(l -> l.startsWith("* you let only operators and voiced members speak"));
      alice.send("/ban eve");
      alice.readUntil(l -> l.startsWith("* you banned eve"));
      // Everyone leaves: the room is empty.
      for (TestClient c : new TestClient[]{alice, bob, carol}) {
        c.send("/join lobby");
        c.readUntil(l -> l.startsWith("* you are now in #lobby"));
      }
      // The first to come back is no operator for being first: carol is no operator's account.
      carol.send("/join rust");
      carol.readUntil(l -> l.startsWith("* you are now in #rust"));
      carol.send("still moderated?");
      carol.readUntil(l -> l.startsWith("! ") && l.contains("moderated"));
      carol.send("/mode -m");
      carol.readUntil(l -> l.equals("! you are not an operator of #rust"));
      bob.send("/join rust");
      bob.readUntil(l -> l.startsWith("* you are now in #rust"));
      bob.send("/mode -m");
      bob.readUntil(l -> l.startsWith("* you let every member speak"));
      bob.send("/mode +m");
      bob.readUntil(l -> l.startsWith("* you let only operators and voiced members speak"));
      try (TestClient eve = TestClient.text(node.port(), "eve")) {
        eve.send("/join rust");
        assertThat(eve.readUntil(l -> l.startsWith("! ") || l.startsWith("* you are now in"))).isEqualTo("! you are banned from #rust");
      }
    }
    node.stop().await(30, TimeUnit.SECONDS);

    // The registration is in the store: a new run of the node takes the room up as it was.
    TestNode again = TestNode.start(vertx, store.copy());
    try (IrcClient guest = IrcClient.registered(again.ircPort(), "dave"); TestClient alice = account(again.port(), "alice")) {
      guest.join("#rust");
      guest.send("MODE #rust");
      guest.readUntil(l -> l.startsWith(":irc.test 324 dave #rust +") && l.contains("m"));
      guest.send("MODE #rust -m");
      guest.readUntil(l -> l.equals(":irc.test 482 dave #rust :You're not channel operator"));
      alice.send("/join rust");
      alice.readUntil(l -> l.startsWith("* you are now in #rust"));
      alice.send("/mode -m");
      alice.readUntil(l -> l.startsWith("* you let every member speak"));
      guest.readUntil(l -> l.startsWith(":alice!") && l.endsWith(" MODE #rust -m"));
      // Someone who identifies as an operator's account once in the room is an operator from then on.
      try (TestClient ally = TestClient.text(again.port(), "ally")) {
        ally.send("/join rust");
        ally.readUntil(l -> l.startsWith("* you are now in #rust"));
        ally.send("/mode +m");
        ally.readUntil(l -> l.equals("! you are not an operator of #rust"));
        ally.send("/identify alice " + PASSWORD);
        ally.readUntil(l -> l.equals("* you are identified as alice"));
        ally.send("/mode +m");
        ally.readUntil(l -> l.startsWith("* you let only operators and voiced members speak"));
      }
      alice.send("/unregisterroom");
      alice.readUntil(l -> l.equals("* #rust is no longer registered"));
    }
  }
}
