package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IRCv3's draft/chathistory and draft/event-playback over real sockets. The node's store takes its batches
 * a minute apart, so that every event read here still waits to be written: the history is found in what
 * the room's owner holds (dev.chatbus.persist.HistoryContract reads it from each store).
 */
@ExtendWith(VertxExtension.class)
class IrcChathistoryTest {

  private static final String CAPS = "batch draft/chathistory echo-message message-tags server-time";
  private static final Pattern TAGS = Pattern.compile("^@time=([^;]+);msgid=(\\d+) ");
  private static final Pattern OPEN = IrcClient.BATCH_OPEN;

  /** A message as its sender's echo showed it. */
  private record Said(String text, String time, String msgid) {
  }

  private static TestNode node(Vertx vertx) {
    // The test sends faster than people type.
    return TestNode.start(vertx, new JsonObject().put("persistence", new JsonObject()
        .put("batch", new JsonObject().put("maxEvents", 100_000).put("maxDelay", "60s")))
      .put("limits", new JsonObject().put("rate", new JsonObject().put("burst", 1000))));
  }

  /** Says {@code text} in {@code channel}, returning the echo's time and id. */
  private static Said say(IrcClient c, String channel, String text) {
    c.send("PRIVMSG " + channel + " :" + text);
    String echo = c.readUntil(l -> l.endsWith(" PRIVMSG " + channel + " :" + text));
    Matcher m = TAGS.matcher(echo);
    assertThat(m.find()).as(echo).isTrue();
    return new Said(text, m.group(1), m.group(2));
  }

  private static List<String> history(IrcClient c, String command) {
    return IrcClient.texts(c.batch(command, "chathistory #past"));
  }

  @Test
  void messagesAreFoundByIdAndByTimeInEveryDirection(Vertx vertx) {
    TestNode node = node(vertx);
    try (IrcClient ann = IrcClient.registered(node.ircPort(), "ann", CAPS)) {
      ann.join("#past");
      List<Said> said = new ArrayList<>();
      List<String> topicTimes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        said.add(say(ann, "#past", "m" + i));
        String topic = " TOPIC #past :topic " + i;
        ann.send(topic.substring(1));
        Matcher m = TAGS.matcher(ann.readUntil(l -> l.endsWith(topic)));
        assertThat(m.find()).isTrue();
        topicTimes.add(m.group(1));
      }
      assertThat(history(ann, "CHATHISTORY LATEST #past * 100")).as("messages only, without event-playback")
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
      assertThat(history(ann, "CHATHISTORY LATEST #past * 2")).containsExactly("m4", "m5");
      assertThat(history(ann, "CHATHISTORY LATEST #past msgid=" + said.get(2).msgid() + " 10")).containsExactly("m3", "m4", "m5");
      assertThat(history(ann, "CHATHISTORY BEFORE #past msgid=" + said.get(3).msgid() + " 2")).containsExactly("m1", "m2");
      assertThat(history(ann, "CHATHISTORY AFTER #past msgid=" + said.get(3).msgid() + " 10")).containsExactly("m4", "m5");
      assertThat(history(ann, "CHATHISTORY AROUND #past msgid=" + said.get(3).msgid() + " 3")).containsExactly("m2", "m3", "m4");
      assertThat(history(ann, "CHATHISTORY AROUND #past msgid=" + said.get(3).msgid() + " 1")).containsExactly("m3");
      String first = "msgid=" + said.get(0).msgid();
      String last = "msgid=" + said.get(5).msgid();
      assertThat(history(ann, "CHATHISTORY BETWEEN #past " + first + " " + last + " 2")).containsExactly("m1", "m2");
      assertThat(history(ann, "CHATHISTORY BETWEEN #past " + last + " " + first + " 2")).containsExactly("m3", "m4");
      assertThat(history(ann, "CHATHISTORY BETWEEN #past " + first + " " + last + " 100")).containsExactly("m1", "m2", "m3", "m4");
      assertThat(history(ann, "CHATHISTORY BEFORE #past msgid=123 10")).as("an id the room never gave").isEmpty();

      // Times: those of the echoes, which several messages may share to the millisecond.
      String t3 = said.get(3).time();
      assertThat(history(ann, "CHATHISTORY BEFORE #past timestamp=" + t3 + " 100"))
        .containsExactlyElementsOf(said.stream().filter(s -> s.time().compareTo(t3) < 0).map(Said::text).toList());
      assertThat(history(ann, "CHATHISTORY AFTER #past timestamp=" + t3 + " 100"))
        .containsExactlyElementsOf(said.stream().filter(s -> s.time().compareTo(t3) > 0).map(Said::text).toList());
      assertThat(history(ann, "CHATHISTORY LATEST #past timestamp=" + t3 + " 100"))
        .containsExactlyElementsOf(said.stream().filter(s -> s.time().compareTo(t3) > 0).map(Said::text).toList());
      assertThat(history(ann, "CHATHISTORY AROUND #past timestamp=" + t3 + " 1")).as("the first message at that time")
        .containsExactly(said.stream().filter(s -> s.time().equals(t3)).findFirst().orElseThrow().text());
      // A time most likely that of a topic alone: the window of one is the first message from it on.
      String topic3 = topicTimes.get(3);
      assertThat(history(ann, "CHATHISTORY AROUND #past timestamp=" + topic3 + " 1"))
        .containsExactly(said.stream().filter(s -> s.time().compareTo(topic3) >= 0).findFirst().orElseThrow().text());
      assertThat(history(ann, "CHATHISTORY BETWEEN #past timestamp=2020-01-01T00:00:00.000Z timestamp=2262-01-01T00:00:00.000Z 3"))
        .containsExactly("m0", "m1", "m2");

      // What the batch holds is what was said, tagged as it was live.
      List<String> lines = ann.batch("CHATHISTORY LATEST #past * 1", "chathistory #past");
      assertThat(lines).containsExactly("time=" + said.get(5).time() + ";msgid=" + said.get(5).msgid()
        + " :ann!~ann@test PRIVMSG #past :m5");
    }
  }

  @Test
  void eventPlaybackTargetsAndRefusals(Vertx vertx) {
    TestNode node = node(vertx);
    try (IrcClient ann = IrcClient.registered(node.ircPort(), "ann", CAPS);
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob", CAPS + " draft/event-playback labeled-response");
         IrcClient cy = IrcClient.registered(node.ircPort(), "cy", CAPS)) {
      ann.join("#past");
      bob.join("#past");
      ann.send("TOPIC #past :the past");
      ann.readUntil(l -> l.endsWith(" TOPIC #past :the past"));
      Said hello = say(ann, "#past", "hello");
      assertThat(bob.batch("CHATHISTORY LATEST #past * 10", "chathistory #past")).as("with draft/event-playback")
        .anySatisfy(l -> assertThat(l).endsWith(":ann!~ann@test JOIN #past"))
        .anySatisfy(l -> assertThat(l).endsWith(":bob!~bob@test JOIN #past"))
        .anySatisfy(l -> assertThat(l).endsWith(":ann!~ann@test TOPIC #past :the past"))
        .anySatisfy(l -> assertThat(l).endsWith(":ann!~ann@test PRIVMSG #past :hello"));

      // A labeled request: the history batch nested in the labeled-response batch.
      bob.drain();
      bob.send("@label=h1 CHATHISTORY LATEST #past * 1");
      Matcher outer = OPEN.matcher(bob.readLine().replaceFirst("^@label=h1 ", ""));
      assertThat(outer.matches()).isTrue();
      assertThat(outer.group(2)).isEqualTo("labeled-response");
      Matcher inner = OPEN.matcher(bob.readLine().replaceFirst("^@batch=" + outer.group(1) + " ", ""));
      assertThat(inner.matches()).isTrue();
      assertThat(bob.readLine()).isEqualTo("@batch=" + inner.group(1) + ";time=" + hello.time() + ";msgid=" + hello.msgid()
        + " :ann!~ann@test PRIVMSG #past :hello");
      bob.expect("@batch=" + outer.group(1) + " :irc.test BATCH -" + inner.group(1));
      bob.expect(":irc.test BATCH -" + outer.group(1));

      // TARGETS: the client's channels by the time of their latest message.
      ann.join("#later");
      Said later = say(ann, "#later", "later on");
      ann.join("#quiet");
      assertThat(ann.batch("CHATHISTORY TARGETS timestamp=2020-01-01T00:00:00.000Z timestamp=2262-01-01T00:00:00.000Z 10",
        "draft/chathistory-targets")).containsExactly(
        ":irc.test CHATHISTORY TARGETS #past " + hello.time(), ":irc.test CHATHISTORY TARGETS #later " + later.time());
      assertThat(ann.batch("CHATHISTORY TARGETS timestamp=" + hello.time() + " timestamp=2262-01-01T00:00:00.000Z 10",
        "draft/chathistory-targets")).containsExactly(":irc.test CHATHISTORY TARGETS #later " + later.time());

      // Refusals.
      ann.send("MODE #past +i");
      ann.readUntil(l -> l.endsWith(" MODE #past +i"));
      cy.drain();
      cy.send("CHATHISTORY LATEST #past * 10");
      assertThat(cy.readLine()).startsWith(":irc.test FAIL CHATHISTORY INVALID_TARGET LATEST #past :");
      cy.send("CHATHISTORY LATEST ann * 10");
      cy.expect(":irc.test FAIL CHATHISTORY INVALID_TARGET LATEST ann :Private messages have no history here");
      cy.send("CHATHISTORY BEFORE #past hello 10");
      cy.expect(":irc.test FAIL CHATHISTORY INVALID_PARAMS BEFORE :Invalid parameters");
      cy.send("CHATHISTORY LATEST #past * none");
      cy.expect(":irc.test FAIL CHATHISTORY INVALID_PARAMS LATEST :Invalid parameters");
      cy.send("CHATHISTORY BETWEEN #past msgid=1 10");
      cy.expect(":irc.test FAIL CHATHISTORY NEED_MORE_PARAMS BETWEEN :Missing parameters");
      cy.send("CHATHISTORY SOON #past * 10");
      cy.expect(":irc.test FAIL CHATHISTORY UNKNOWN_COMMAND SOON :Unknown subcommand");
      cy.send("CAP LS 302");
      assertThat(cy.readLine()).contains("draft/chathistory").contains("draft/event-playback");
    }
  }
}
