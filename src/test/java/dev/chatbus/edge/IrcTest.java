package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** IRC clients on the IRC port: registration, channels, messages and errors, over real sockets. */
@ExtendWith(VertxExtension.class)
class IrcTest {

  private TestNode node;
  private int irc;

  private void start(Vertx vertx) {
    node = TestNode.start(vertx);
    irc = node.ircPort();
  }

  @Test
  void registrationIsWelcomedWithTheServersNumerics(Vertx vertx) {
    start(vertx);
    try (IrcClient c = IrcClient.connect(irc)) {
      c.send("NICK alice").send("USER al 0 * :Alice Liddell");
      c.expect(":irc.test 001 alice :Welcome to the Chatbus IRC network, alice!~al@test");
      assertThat(c.readLine()).startsWith(":irc.test 002 alice :Your host is irc.test, running version chatbus-");
      assertThat(c.readLine()).startsWith(":irc.test 003 alice :This server was created ");
      assertThat(c.readLine()).matches(":irc\\.test 004 alice irc\\.test chatbus-\\S+ io biklmnostv bklov");
      String isupport = c.readLine();
      assertThat(isupport).startsWith(":irc.test 005 alice ").contains(" CASEMAPPING=ascii ", " CHANTYPES=# ",
        " NICKLEN=32 ", " CHANNELLEN=64 ", " NETWORK=Chatbus ", " PREFIX=(ov)@+ ", " CHANMODES=b,k,l,imnst").endsWith(" :are supported by this server");
      assertThat(c.readLine()).startsWith(":irc.test 005 alice TARGMAX=")
        .contains(" CHATHISTORY=204 MSGREFTYPES=msgid,timestamp :");
      c.expect(":irc.test 422 alice :MOTD File is missing");
      assertThat(c.drain()).as("no channel joined on its own").isEmpty();
    }
  }

  @Test
  void capabilityNegotiationHoldsRegistrationUntilCapEnd(Vertx vertx) {
    start(vertx);
    try (IrcClient c = IrcClient.connect(irc)) {
      c.send("CAP LS 302");
      c.expect(":irc.test CAP * LS :batch draft/chathistory draft/event-playback echo-message labeled-response message-tags multi-prefix sasl server-time userhost-in-names");
      c.send("NICK bob").send("USER bob 0 * :Bob");
      c.send("CAP REQ :userhost-in-names account-notify");
      c.expect(":irc.test CAP bob NAK :userhost-in-names account-notify");
      c.send("CAP LIST");
      c.expect(":irc.test CAP bob LIST :");
      c.send("CAP REQ :multi-prefix userhost-in-names");
      c.expect(":irc.test CAP bob ACK :multi-prefix userhost-in-names");
      c.send("CAP REQ :-multi-prefix");
      c.expect(":irc.test CAP bob ACK :-multi-prefix");
      c.send("CAP LIST");
      c.expect(":irc.test CAP bob LIST :userhost-in-names");
      c.send("CAP FOO");
      c.expect(":irc.test 410 bob FOO :Invalid CAP command");
      c.send("CAP END");
      c.expect(":irc.test 001 bob :Welcome to the Chatbus IRC network, bob!~bob@test");
      c.readUntil(l -> l.contains(" 422 "));
      c.send("JOIN #caps");
      c.expect(":bob!~bob@test JOIN #caps");
      c.expect(":irc.test 353 bob = #caps :@bob!~bob@test");
    }
  }

  @Test
  void commandsBeforeRegistrationAreRefusedAndQuitSaysError(Vertx vertx) {
    start(vertx);
    try (IrcClient c = IrcClient.connect(irc)) {
      c.send("JOIN #rust");
      c.expect(":irc.test 451 * :You have not registered");
      c.send("USER a 0 *");
      c.expect(":irc.test 461 * USER :Not enough parameters");
      c.send("NICK :");
      c.expect(":irc.test 431 * :No nickname given");
      c.send("PING x");
      c.expect(":irc.test PONG irc.test :x");
      c.send("QUIT");
      assertThat(c.readUntilClosed()).containsExactly("ERROR :Closing link: * (quit)");
    }
  }

  @Test
  void aTakenNickIsRefusedAndAnotherOneTaken(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice"); IrcClient other = IrcClient.connect(irc)) {
      other.send("NICK ALICE").send("USER x 0 * :X");
      other.expect(":irc.test 433 * ALICE :Nickname is already in use");
      other.send("NICK 9lives");
      assertThat(other.readLine()).startsWith(":irc.test 432 * 9lives :Erroneous nickname");
      other.send("NICK alice2");
      other.expect(":irc.test 001 alice2 :Welcome to the Chatbus IRC network, alice2!~x@test");
    }
  }

  @Test
  void aServerPasswordIsAskedFor(Vertx vertx) {
    TestNode locked = TestNode.start(vertx, new JsonObject().put("irc", new JsonObject().put("password", "sesame")));
    try (IrcClient wrong = IrcClient.connect(locked.ircPort()); IrcClient right = IrcClient.connect(locked.ircPort())) {
      wrong.send("PASS guess").send("NICK carol").send("USER carol 0 * :Carol");
      assertThat(wrong.readUntilClosed()).containsExactly(":irc.test 464 carol :Password incorrect",
        "ERROR :Closing link: carol (wrong password)");
      right.send("PASS sesame").send("NICK carol").send("USER carol 0 * :Carol");
      right.expect(":irc.test 001 carol :Welcome to the Chatbus IRC network, carol!~carol@test");
    }
  }

  @Test
  void channelsJoinTalkAndPart(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice"); IrcClient bob = IrcClient.registered(irc, "bob")) {
      alice.send("JOIN #Rust");
      alice.expect(":alice!~alice@test JOIN #rust");
      alice.expect(":irc.test 353 alice = #rust :@alice");
      alice.expect(":irc.test 366 alice #rust :End of /NAMES list");
      bob.send("JOIN #rust,#go");
      bob.expect(":bob!~bob@test JOIN #rust");
      bob.expect(":irc.test 353 bob = #rust :@alice bob");
      bob.expect(":irc.test 366 bob #rust :End of /NAMES list");
      bob.expect(":bob!~bob@test JOIN #go");
      bob.readUntil(l -> l.equals(":irc.test 366 bob #go :End of /NAMES list"));
      alice.expect(":bob!~bob@test JOIN #rust");

      alice.send("PRIVMSG #rust :hello bob");
      bob.expect(":alice!~alice@test PRIVMSG #rust :hello bob");
      alice.send("PRIVMSG #rust :\u0001ACTION waves\u0001");
      bob.expect(":alice!~alice@test PRIVMSG #rust :\u0001ACTION waves\u0001");
      alice.send("NOTICE #rust :a notice");
      bob.expect(":alice!~alice@test NOTICE #rust :a notice");
      assertThat(alice.drain()).as("no echo to the sender").isEmpty();

      bob.send("NAMES #rust");
      bob.expect(":irc.test 353 bob = #rust :@alice bob");
      bob.expect(":irc.test 366 bob #rust :End of /NAMES list");
      bob.send("LIST");
      bob.expect(":irc.test 321 bob Channel :Users  Name");
      bob.expect(":irc.test 322 bob #go 1 :");
      bob.expect(":irc.test 322 bob #rust 2 :");
      bob.expect(":irc.test 323 bob :End of /LIST");

      bob.send("PART #rust :see you");
      bob.expect(":bob!~bob@test PART #rust :see you");
      alice.expect(":bob!~bob@test PART #rust :see you");
      bob.send("JOIN 0");
      bob.expect(":bob!~bob@test PART #go");
      assertThat(bob.drain()).isEmpty();
    }
  }

  @Test
  void privateMessagesAndTheirErrors(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice"); IrcClient bob = IrcClient.registered(irc, "bob")) {
      alice.send("PRIVMSG Bob,nobody :psst");
      bob.expect(":alice!~alice@test PRIVMSG bob :psst");
      alice.expect(":irc.test 401 alice nobody :No such nick/channel");
      alice.send("NOTICE bob :quiet");
      bob.expect(":alice!~alice@test NOTICE bob :quiet");
      alice.send("NOTICE nobody :ignored");
      alice.send("PRIVMSG #rust :not in it");
      alice.expect(":irc.test 404 alice #rust :Cannot send to channel");
      alice.send("PART #rust");
      alice.expect(":irc.test 442 alice #rust :You're not on that channel");
      alice.send("JOIN rust");
      alice.expect(":irc.test 403 alice rust :No such channel");
      alice.send("PRIVMSG bob");
      alice.expect(":irc.test 412 alice :No text to send");
      alice.send("PRIVMSG");
      alice.expect(":irc.test 411 alice :No recipient given (PRIVMSG)");
      alice.send("DANCE now");
      alice.expect(":irc.test 421 alice DANCE :Unknown command");
      alice.send("USER again 0 * :x");
      alice.expect(":irc.test 462 alice :You may not reregister");
      alice.send("PING");
      alice.expect(":irc.test 409 alice :No origin specified");
      assertThat(alice.drain()).isEmpty();
    }
  }

  @Test
  void aQuitAndARenameAreSeenOnceWhateverTheChannelsShared(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice"); IrcClient bob = IrcClient.registered(irc, "bob")) {
      alice.send("JOIN #a,#b");
      alice.readUntil(l -> l.contains(" 366 alice #b "));
      bob.send("JOIN #a,#b");
      bob.readUntil(l -> l.contains(" 366 bob #b "));
      alice.drain();

      bob.send("NICK robert");
      bob.expect(":bob!~bob@test NICK :robert");
      alice.expect(":bob!~bob@test NICK :robert");
      bob.send("NICK robert");
      assertThat(bob.drain()).as("the same nick again changes nothing").isEmpty();
      bob.send("QUIT :gone fishing");
      assertThat(bob.readUntilClosed()).containsExactly("ERROR :Closing link: robert (quit)");
      alice.expect(":robert!~bob@test QUIT :quit: gone fishing");
      assertThat(alice.drain()).isEmpty();
    }
  }

  @Test
  void ircTextAndJsonClientsShareRooms(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice");
         TestClient tom = TestClient.text(node.port(), "tom");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      alice.join("#rust");
      tom.expect("* jay has joined #lobby");
      tom.send("/join rust");
      tom.expect("* you are now in #rust with 1 other.");
      alice.expect(":tom!text@test JOIN #rust");
      jay.send(new JsonObject().put("op", "join").put("room", "rust"));
      jay.readJson("joined");
      alice.expect(":jay!json@test JOIN #rust");
      tom.expect("* jay has joined #rust");

      alice.send("PRIVMSG #rust :hi all");
      tom.expect("alice: hi all");
      assertThat(jay.readJson("message").getString("text")).isEqualTo("hi all");
      alice.send("NOTICE #rust :heads up");
      tom.expect("alice: heads up");
      assertThat(jay.readJson("message").getBoolean("notice")).isTrue();
      tom.send("hello alice");
      alice.expect(":tom!text@test PRIVMSG #rust :hello alice");
      jay.send(new JsonObject().put("op", "say").put("room", "rust").put("text", "waves").put("action", true));
      alice.expect(":jay!json@test PRIVMSG #rust :\u0001ACTION waves\u0001");
      tom.expect("* jay waves");

      tom.send("/nick thomas");
      tom.expect("* you are now known as thomas");
      alice.expect(":tom!text@test NICK :thomas");
      alice.send("NICK alicia");
      alice.expect(":alice!~alice@test NICK :alicia");
      tom.expect("* alice is now known as alicia");
      alice.send("PART #rust :bye now");
      alice.readLine();
      tom.expect("* alicia has left #rust (bye now)");
      assertThat(jay.readJson("leave").getString("reason")).isEqualTo("bye now");
    }
  }

  @Test
  void aLongMessageReachesIrcSplitAndWhole(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice"); TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#lobby");
      tom.readLine();
      StringBuilder text = new StringBuilder();
      for (int i = 0; text.length() < 3000; i++) {
        text.append("word").append(i).append(i % 7 == 0 ? " é€😀 " : " ");
      }
      String said = text.toString().strip();
      tom.send(said);
      String head = ":tom!text@test PRIVMSG #lobby :";
      StringBuilder got = new StringBuilder();
      List<String> lines = new java.util.ArrayList<>();
      while (got.length() < said.length()) {
        String line = alice.readLine();
        assertThat(line).startsWith(head);
        lines.add(line);
        got.append(line.substring(head.length()));
      }
      assertThat(got.toString()).isEqualTo(said);
      assertThat(lines.size()).isGreaterThan(6);
    }
  }

  @Test
  void aLineOverIrcsLimitIsRefused(Vertx vertx) {
    start(vertx);
    try (IrcClient alice = IrcClient.registered(irc, "alice")) {
      alice.send("PRIVMSG alice :" + "x".repeat(600));
      alice.expect(":irc.test 417 alice :Input line was too long");
      alice.send("@+tag=" + "y".repeat(3000) + " PING still-here");
      alice.expect(":irc.test PONG irc.test :still-here");
      // Bytes that are not UTF-8 (the server says UTF8ONLY) are replaced, and the client is warned.
      alice.sendRaw("PRIVMSG alice :caf\u00e9 in Latin-1: caf".getBytes(StandardCharsets.UTF_8));
      alice.sendRaw(new byte[] {(byte) 0xe9, '\r', '\n'});
      alice.expect(":irc.test WARN PRIVMSG INVALID_UTF8 :Your line was not valid UTF-8; what was not is shown as U+FFFD");
      alice.expect(":alice!~alice@test PRIVMSG alice :caf\u00e9 in Latin-1: caf\ufffd");
      // A client's tags are bounded at 4096 bytes, the @ and the space after them counted.
      alice.send("@+tag=" + "z".repeat(4096) + " PING too-much");
      alice.expect(":irc.test 417 alice :Input line was too long");
    }
  }

  @Test
  void aSilentClientIsPingedAndClosedWithoutAPong(Vertx vertx) {
    TestNode pinging = TestNode.start(vertx, new JsonObject().put("irc", new JsonObject().put("pingAfter", "150ms")));
    try (IrcClient quiet = IrcClient.registered(pinging.ircPort(), "quiet");
         IrcClient lively = IrcClient.registered(pinging.ircPort(), "lively")) {
      lively.expect("PING :irc.test");
      lively.send("PONG :irc.test");
      quiet.expect("PING :irc.test");
      assertThat(quiet.readUntilClosed()).containsExactly("ERROR :Closing link: quiet (ping timeout)");
      lively.expect("PING :irc.test");
      lively.send("PONG :irc.test");
      assertThat(lively.drain()).isEmpty();
    }
  }
}
