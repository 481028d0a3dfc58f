package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The IRCv3 capabilities: server-time, message-tags, echo-message, batch and labeled-response, over real sockets. */
@ExtendWith(VertxExtension.class)
class IrcCapabilitiesTest {

  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

  @Test
  void eachClientGetsTheTagsItAskedForAndTheEchoOfWhatItSays(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient plain = IrcClient.registered(node.ircPort(), "plain");
         IrcClient timed = IrcClient.registered(node.ircPort(), "timed", "server-time");
         IrcClient tagged = IrcClient.registered(node.ircPort(), "tagged", "message-tags echo-message server-time");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      plain.join("#tags");
      timed.join("#tags");
      tagged.join("#tags");
      tom.send("/join tags");
      tom.expect("* you are now in #tags with 3 others.");
      for (IrcClient c : new IrcClient[] {plain, timed, tagged}) {
        c.readUntil(l -> l.endsWith(":tom!text@test JOIN #tags"));
      }
      tom.send("hello all");
      plain.expect(":tom!text@test PRIVMSG #tags :hello all");
      assertThat(timed.readLine()).matches("@time=" + TIME + " :tom!text@test PRIVMSG #tags :hello all");
      String got = tagged.readLine();
      assertThat(got).matches("@time=" + TIME + ";msgid=\\d+ :tom!text@test PRIVMSG #tags :hello all");

      // The sender's echo carries the id everyone else's copy has.
      tagged.send("@+draft/reply=1;foo=bar PRIVMSG #tags :\u0001ACTION waves\u0001");
      String echo = tagged.readLine();
      assertThat(echo).matches("@time=" + TIME + ";msgid=\\d+ :tagged!~tagged@test PRIVMSG #tags :\u0001ACTION waves\u0001");
      assertThat(timed.readLine()).matches("@time=" + TIME + " :tagged!~tagged@test PRIVMSG #tags :\u0001ACTION waves\u0001");
      tom.expect("* tagged waves");
      plain.expect(":tagged!~tagged@test PRIVMSG #tags :\u0001ACTION waves\u0001");
      assertThat(msgid(echo)).isNotEqualTo(msgid(got));

      // A private message: tagged for those who asked, echoed to its sender.
      tagged.send("PRIVMSG timed :psst");
      assertThat(tagged.readLine()).matches("@time=" + TIME + ";msgid=\\d+ :tagged!~tagged@test PRIVMSG timed :psst");
      assertThat(timed.readLine()).matches("@time=" + TIME + " :tagged!~tagged@test PRIVMSG timed :psst");

      // Tags alone are relayed to no one: the server relays no client tags (CLIENTTAGDENY=*).
      tagged.send("@+typing=active TAGMSG #tags");
      tagged.send("PING :after");
      tagged.expect(":irc.test PONG irc.test :after");
      assertThat(plain.drain()).isEmpty();
    }
  }

  @Test
  void aLabeledCommandIsAnsweredWithItsLabel(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice", "batch echo-message labeled-response");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob", "labeled-response")) {
      alice.send("@label=one JOIN #lab");
      alice.expect("@label=one :irc.test BATCH +L1 labeled-response");
      alice.expect("@batch=L1 :alice!~alice@test JOIN #lab");
      alice.expect("@batch=L1 :irc.test 353 alice = #lab :@alice");
      alice.expect("@batch=L1 :irc.test 366 alice #lab :End of /NAMES list");
      alice.expect(":irc.test BATCH -L1");
      alice.send("@label=two;x=y PRIVMSG #lab :hi");
      alice.expect("@label=two :alice!~alice@test PRIVMSG #lab :hi");
      alice.send("@label=th\\sree DANCE");
      alice.expect("@label=th\\sree :irc.test 421 alice DANCE :Unknown command");
      alice.send("@label=four AWAY");
      alice.expect("@label=four :irc.test 305 alice :You are no longer marked as being away");
      bob.join("#lab");
      alice.readUntil(l -> l.equals(":bob!~bob@test JOIN #lab"));
      bob.send("@label=five PRIVMSG #lab :no echo asked");
      bob.expect("@label=five :irc.test ACK");
      alice.expect(":bob!~bob@test PRIVMSG #lab :no echo asked");
      bob.send("@label=six PING :x");
      bob.expect("@label=six :irc.test PONG irc.test :x");
      bob.send("PING :unlabeled");
      bob.expect(":irc.test PONG irc.test :unlabeled");
    }
  }

  @Test
  void theTopicsModesAndKicksAClientSetsComeBackTaggedAsTheOthersSeeThem(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient op = IrcClient.registered(node.ircPort(), "op", "message-tags server-time");
         IrcClient other = IrcClient.registered(node.ircPort(), "other", "message-tags server-time")) {
      op.join("#ops");
      other.join("#ops");
      op.readUntil(l -> l.endsWith(":other!~other@test JOIN #ops"));
      for (String[] change : new String[][] {{"TOPIC #ops :tagged", " TOPIC #ops :tagged"}, {"MODE #ops +m", " MODE #ops +m"},
        {"KICK #ops other :bye", " KICK #ops other :bye"}}) {
        op.send(change[0]);
        String mine = op.readLine();
        assertThat(mine).matches("@time=" + TIME + ";msgid=\\d+ :op!~op@test" + Pattern.quote(change[1]));
        assertThat(other.readUntil(l -> l.endsWith(change[1]))).isEqualTo(mine);
      }
    }
  }

  private static String msgid(String line) {
    Matcher m = Pattern.compile("msgid=(\\d+)").matcher(line);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
