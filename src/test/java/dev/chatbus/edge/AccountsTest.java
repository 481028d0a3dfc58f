package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.Postgres;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestCluster;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accounts ({@code accounts.*}): registering a name, the password it takes from then on on every protocol
 * (text prompt, JSON {@code hello}, IRC SASL PLAIN and PASS), the failed-login limits, and the settings that
 * turn registration off or require an account to talk.
 */
@ExtendWith(VertxExtension.class)
class AccountsTest {

  private static final String PASSWORD = "correct horse";

  @Test
  void aTextUserRegistersItsNameWhichThenTakesThePasswordFromAnyone(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject());
    try (TestClient alice = TestClient.text(node.port(), "alice"); TestClient bob = TestClient.text(node.port(), "bob")) {
      alice.expect("* bob has joined #lobby");
      alice.send("/register short");
      alice.expect("! a password needs at least 8 characters");
      alice.send("/register " + PASSWORD);
      alice.expect("* the name alice is registered: from now on it takes your password");
      alice.send("/register " + PASSWORD);
      alice.expect("! the name alice is registered already, as yours");
      alice.send("/quit");
      bob.expectStartsWith("* alice has left #lobby");

      // Offline, the name is still alice's: no one else takes it, by logging in or renaming.
      bob.send("/nick Alice");
      bob.expect("! the name Alice is registered; identify as its account first");
      try (TestClient other = TestClient.connect(node.port()); TestClient carol = TestClient.connect(node.port())) {
        other.expectStartsWith("* chatbus");
        other.send("ALICE");
        other.expect("* the name ALICE is registered. Password:");
        // Another client logging in meanwhile gives a name, not alice's password.
        carol.expectStartsWith("* chatbus");
        carol.send("carol");
        carol.expectStartsWith("* welcome carol.");
        bob.expect("* carol has joined #lobby");
        other.send("not the password");
        other.expect("! wrong password for ALICE");
        other.expect("* Please enter your name:");
        other.send("alice");
        other.expect("* the name alice is registered. Password:");
        other.send(PASSWORD);
        other.expectStartsWith("* welcome alice.");
        bob.expect("* alice has joined #lobby");
      }
      // Whoever proves they hold the account may take the name too (carol's and alice's leaving come between).
      bob.send("/identify alice wrong password");
      bob.readUntil(l -> l.equals("! wrong password for alice"));
      bob.send("/identify nobody " + PASSWORD);
      bob.readUntil(l -> l.equals("! no account is called nobody"));
      bob.send("/identify alice " + PASSWORD);
      bob.readUntil(l -> l.equals("* you are identified as alice"));
      bob.send("/nick alice");
      bob.readUntil(l -> l.equals("* you are now known as alice"));
    }
  }

  @Test
  void jsonClientsLogInWithThePasswordAndWhoisShowsTheAccount(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject());
    try (TestClient jay = TestClient.json(node.port(), "jay")) {
      jay.send(new JsonObject().put("op", "register").put("password", PASSWORD).put("ref", 1));
      assertThat(jay.readJson()).isEqualTo(new JsonObject().put("type", "registered").put("account", "jay").put("ref", 1));
      jay.send(new JsonObject().put("op", "whois").put("name", "jay"));
      assertThat(jay.readJson("whois").getJsonArray("people").getJsonObject(0).getString("account")).isEqualTo("jay");
    }
    try (TestClient again = TestClient.connect(node.port())) {
      again.expectStartsWith("* chatbus");
      again.send(new JsonObject().put("op", "hello").put("name", "jay").put("ref", 2).encode());
      JsonObject refused = again.readJson();
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("password_required");
      again.send(new JsonObject().put("op", "hello").put("name", "jay").put("password", "guess").put("ref", 3).encode());
      assertThat(again.readJson().getString("code")).isEqualTo("wrong_password");
      again.send(new JsonObject().put("op", "hello").put("name", "jay").put("password", PASSWORD).put("ref", 4).encode());
      assertThat(again.readJson().getString("type")).isEqualTo("welcome");
      again.readJson("joined");
      again.send(new JsonObject().put("op", "whois").put("name", "jay"));
      assertThat(again.readJson("whois").getJsonArray("people").getJsonObject(0).getString("account")).isEqualTo("jay");
    }
  }

  @Test
  void ircClientsRegisterAndIdentifyBySaslOrPass(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject());
    try (IrcClient olga = IrcClient.registered(node.ircPort(), "olga")) {
      olga.send("REGISTER someone * " + PASSWORD);
      olga.expect(":irc.test FAIL REGISTER BAD_ACCOUNT_NAME someone :The account is your nick: register it as *, or change "
        + "your nick first");
      olga.send("REGISTER * * short");
      olga.expect(":irc.test FAIL REGISTER WEAK_PASSWORD olga :a password needs at least 8 characters");
      olga.send("REGISTER * * :" + PASSWORD);
      olga.expect(":irc.test REGISTER SUCCESS olga :Account created");
      olga.expect(":irc.test 900 olga olga!~olga@test olga :You are now logged in as olga");
    }
    // Without the password the nick is refused, and registration goes on with another.
    try (IrcClient guest = IrcClient.connect(node.ircPort())) {
      guest.send("NICK olga").send("USER olga 0 * :not olga");
      guest.expect(":irc.test 433 * olga :Nickname is registered; log in with SASL, or give its password with PASS");
      guest.send("NICK notolga");
      guest.readUntil(l -> l.contains(" 376 ") || l.contains(" 422 "));
    }
    try (IrcClient wrong = IrcClient.connect(node.ircPort())) {
      wrong.send("CAP LS 302").send("CAP REQ :sasl");
      wrong.readUntil(l -> l.equals(":irc.test CAP * ACK :sasl"));
      wrong.send("AUTHENTICATE SCRAM-SHA-256");
      wrong.expect(":irc.test 908 * PLAIN :are available SASL mechanisms");
      wrong.expect(":irc.test 904 * :SASL authentication failed");
      wrong.send("AUTHENTICATE PLAIN");
      wrong.expect("AUTHENTICATE +");
      wrong.send("AUTHENTICATE " + plain("olga", "not it"));
      wrong.expect(":irc.test 904 * :SASL authentication failed");
    }
    try (IrcClient sasl = IrcClient.connect(node.ircPort()); IrcClient viaPass = IrcClient.connect(node.ircPort())) {
      sasl.send("CAP LS 302").send("CAP REQ :sasl").send("NICK olga").send("USER olga 0 * :olga");
      sasl.readUntil(l -> l.endsWith(" ACK :sasl"));
      sasl.send("AUTHENTICATE PLAIN");
      sasl.expect("AUTHENTICATE +");
      sasl.send("AUTHENTICATE " + plain("olga", PASSWORD));
      sasl.expect(":irc.test 900 olga olga!~olga@test olga :You are now logged in as olga");
      sasl.expect(":irc.test 903 olga :SASL authentication successful");
      sasl.send("CAP END");
      sasl.expect(":irc.test 001 olga :Welcome to the Chatbus IRC network, olga!~olga@test");
      sasl.readUntil(l -> l.contains(" 376 ") || l.contains(" 422 "));
      sasl.send("QUIT");
      sasl.readUntilClosed();

      viaPass.send("PASS :" + PASSWORD).send("NICK olga").send("USER olga 0 * :olga");
      viaPass.readUntil(l -> l.contains(" 376 ") || l.contains(" 422 "));
      viaPass.send("WHOIS olga");
      viaPass.readUntil(l -> l.equals(":irc.test 330 olga olga olga :is logged in as"));
    }
  }

  @Test
  void failedLoginsAreLimitedPerNameAndPerAddress(Vertx vertx) {
    TestNode node = TestNode.start(vertx, new JsonObject()
      .put("accounts", new JsonObject().put("maxFailures", 3).put("maxFailuresPerAddress", 5).put("lockout", "10m"))
      .put("limits", new JsonObject().put("loopbackExempt", false).put("rate", TestNode.unlimitedRate())));
    for (String name : List.of("alice", "carol", "dave")) {
      try (TestClient c = TestClient.text(node.port(), name)) {
        c.send("/register " + PASSWORD);
        // (after the last one's leaving, maybe)
        c.readUntil(l -> l.equals("* the name " + name + " is registered: from now on it takes your password"));
      }
    }
    try (TestClient guesser = TestClient.text(node.port(), "guesser")) {
      // The guesser's answers are its "! " lines (others come and go in its room meanwhile).
      for (int i = 0; i < 3; i++) {
        guesser.send("/identify alice guess number " + i);
        assertThat(guesser.readUntil(l -> l.startsWith("! "))).isEqualTo("! wrong password for alice");
      }
      // alice's tries are used up: not even the right password is tried.
      guesser.send("/identify alice " + PASSWORD);
      assertThat(guesser.readUntil(l -> l.startsWith("! "))).matches("! too many failed logins for alice lately; try again in \\d+s");
      for (int i = 0; i < 2; i++) {
        guesser.send("/identify carol guess number " + i);
        assertThat(guesser.readUntil(l -> l.startsWith("! "))).isEqualTo("! wrong password for carol");
      }
      // The address's tries are used up too: dave is safe from it.
      guesser.send("/identify dave " + PASSWORD);
      assertThat(guesser.readUntil(l -> l.startsWith("! "))).matches("! too many failed logins for dave lately; try again in \\d+s");
    }
  }

  @Test
  void anOperatorTurnsRegistrationOff(Vertx vertx) {
    TestNode closed = TestNode.start(vertx, new JsonObject().put("accounts", new JsonObject().put("registration", false)));
    try (TestClient ann = TestClient.text(closed.port(), "ann")) {
      ann.send("/register " + PASSWORD);
      ann.expect("! this server takes no new registrations");
    }
  }

  @Test
  void anOperatorRequiresAnAccountToTalk(Vertx vertx) {
    TestNode members = TestNode.start(vertx, new JsonObject().put("accounts", new JsonObject().put("required", true)));
    try (TestClient ann = TestClient.text(members.port(), "ann"); TestClient bob = TestClient.json(members.port(), "bob")) {
      ann.expect("* bob has joined #lobby");
      ann.send("hello?");
      ann.expect("! only registered users may talk here: register your name, or identify");
      bob.send(new JsonObject().put("op", "msg").put("to", "ann").put("text", "hi"));
      assertThat(bob.readJson("error").getString("code")).isEqualTo("account_required");
      ann.send("/register " + PASSWORD);
      ann.expect("* the name ann is registered: from now on it takes your password");
      ann.send("hello!");
      assertThat(bob.readJson("message").getString("text")).isEqualTo("hello!");
    }
  }

  @Test
  void withoutAStoreThereAreNoAccounts(Vertx vertx) {
    TestNode none = TestNode.start(vertx, new JsonObject().put("persistence", new JsonObject().put("store", "none")));
    try (TestClient ann = TestClient.text(none.port(), "ann")) {
      ann.send("/register " + PASSWORD);
      ann.expect("! accounts are kept in the store, and this server keeps none");
    }
  }

  @Test
  void accountsInPostgresqlHoldOnEveryNodeOfTheClusterAndTheAuditTableSaysWhoDidWhat() throws Exception {
    String url = Postgres.freshSchemaUrl();
    try (TestCluster cluster = new TestCluster(new JsonObject().put("persistence", Postgres.persistence(url)))) {
      twoNodes(cluster.start("node-a"), cluster.start("node-b"), url);
    }
  }

  private static void twoNodes(TestNode one, TestNode two, String url) throws Exception {
    try (TestClient ann = TestClient.text(one.port(), "ann")) {
      ann.send("/register " + PASSWORD);
      ann.expect("* the name ann is registered: from now on it takes your password");
    }
    // The other node hears of the registration over the event bus, within milliseconds.
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
      try (TestClient probe = TestClient.connect(two.port())) {
        probe.expectStartsWith("* chatbus");
        probe.send("ann");
        assertThat(probe.readLine()).isEqualTo("* the name ann is registered. Password:");
      }
    });
    try (TestClient other = TestClient.connect(two.port())) {
      other.expectStartsWith("* chatbus");
      other.send("ann");
      other.expect("* the name ann is registered. Password:");
      other.send("wrong");
      other.expect("! wrong password for ann");
      other.expect("* Please enter your name:");
      other.send("ann");
      other.expect("* the name ann is registered. Password:");
      other.send(PASSWORD);
      other.expectStartsWith("* welcome ann.");
      // Registered on one node, the name is not free on the other.
      other.send("/register " + PASSWORD);
      other.expect("! the name ann is registered already, as yours");
    }
    List<String> actions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, Postgres.USER, Postgres.PASSWORD);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT actor, action, target FROM audit ORDER BY id")) {
      while (rs.next()) {
        actions.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
    }
    assertThat(actions).containsExactly("ann register ann", "? login_failed ann", "ann login ann");
  }

  /** A SASL PLAIN payload: no authorization identity, {@code account}, {@code password}. */
  private static String plain(String account, String password) {
    return Base64.getEncoder().encodeToString(("\0" + account + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }
}
