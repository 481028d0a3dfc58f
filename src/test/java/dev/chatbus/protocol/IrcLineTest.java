package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** IRC lines as clients send them, and room events as IRC clients get them. */
class IrcLineTest {

  @Test
  void aLineHasItsTagsSourceCommandAndParameters() {
    IrcLine line = IrcLine.parse("@label=a\\sb\\:c;+draft/x :nick!u@h privmsg  #rust   :hello  there ");
    assertThat(line.tags()).isEqualTo(Map.of("label", "a b;c", "+draft/x", ""));
    assertThat(line.command()).isEqualTo("PRIVMSG");
    assertThat(line.params()).containsExactly("#rust", "hello  there ");
    assertThat(line.bodyBytes()).isEqualTo(":nick!u@h privmsg  #rust   :hello  there ".length());
  }

  @Test
  void parametersWithoutATrailingOneAndEmptyLines() {
    assertThat(IrcLine.parse("USER u 0 * real").params()).containsExactly("u", "0", "*", "real");
    assertThat(IrcLine.parse("NICK :").params()).containsExactly("");
    assertThat(IrcLine.parse("QUIT").params()).isEmpty();
    assertThat(IrcLine.parse("")).isNull();
    assertThat(IrcLine.parse("   ")).isNull();
    assertThat(IrcLine.parse("@only-tags")).isNull();
  }

  @Test
  void theBodyIsCountedInBytes() {
    assertThat(IrcLine.parse("PRIVMSG #a :é€😀").bodyBytes()).isEqualTo("PRIVMSG #a :".length() + 2 + 3 + 4);
    assertThat(IrcLine.parse("@t=" + "x".repeat(1000) + " PING a").bodyBytes()).isEqualTo(6);
  }

  @Test
  void eachKindOfEventHasItsIrcForm() {
    IrcEvents irc = IrcEvents.variants().get(0);
    assertThat(irc.roomEvent(event(RoomEvent.Kind.MESSAGE, "hi"))).isEqualTo(":tom!text@n PRIVMSG #rust :hi\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.ACTION, "waves"))).isEqualTo(":tom!text@n PRIVMSG #rust :\u0001ACTION waves\u0001\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.NOTICE, "psst"))).isEqualTo(":tom!text@n NOTICE #rust :psst\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.JOIN, null))).isEqualTo(":tom!text@n JOIN #rust\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.LEAVE, null))).isEqualTo(":tom!text@n PART #rust\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.LEAVE, "later"))).isEqualTo(":tom!text@n PART #rust :later\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.QUIT, "connection lost"))).isEqualTo(":tom!text@n QUIT :connection lost\r\n");
    assertThat(irc.roomEvent(event(RoomEvent.Kind.RENAME, "thomas"))).isEqualTo(":tom!text@n NICK :thomas\r\n");
    RoomEvent stored = new RoomEvent(RoomEvent.Kind.MESSAGE, "rust", 1, "1", 0, RoomEvent.NO_SESSION, "tom", "old", 1);
    assertThat(irc.roomEvent(stored)).isEqualTo(":tom!*@* PRIVMSG #rust :old\r\n");
  }

  @Test
  void aLongMessageIsSplitBetweenCharactersIntoWholeLines() {
    String text = ("ab€😀 ").repeat(400) + "x".repeat(700);
    String rendered = IrcEvents.variants().get(0).roomEvent(event(RoomEvent.Kind.ACTION, text));
    List<String> lines = List.of(rendered.split("\r\n"));
    StringBuilder joined = new StringBuilder();
    for (String line : lines) {
      assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(510);
      assertThat(line).startsWith(":tom!text@n PRIVMSG #rust :\u0001ACTION ").endsWith("\u0001");
      joined.append(line, ":tom!text@n PRIVMSG #rust :\u0001ACTION ".length(), line.length() - 1);
    }
    assertThat(joined.toString()).isEqualTo(text);
    assertThat(lines.get(0)).as("split after a space").endsWith(" \u0001");
  }

  @Test
  void aReasonTooLongForALineIsCutToFitOne() {
    String reason = "é".repeat(2000);
    for (RoomEvent.Kind kind : List.of(RoomEvent.Kind.QUIT, RoomEvent.Kind.LEAVE)) {
      String line = IrcEvents.variants().get(0).roomEvent(event(kind, reason));
      assertThat(line).endsWith("\r\n").doesNotContain("\r\n" + ":");
      assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512).isGreaterThan(500);
    }
  }

  @Test
  void aMessageRefusedAfterItWasSentSaysItsChannelAndANoticeIsNotAnswered() {
    IrcCodec codec = new IrcCodec(new IrcServer("irc.test", "Chatbus", "chatbus-1", "today", "n", "", List.of(), 10, 100),
      IrcEvents.variants());
    int notInRoom = ErrorCode.NOT_IN_ROOM.code();
    assertThat(codec.refused(new Reply.Refused(1, notInRoom, "you are not in #rust", "rust", false)))
      .isEqualTo(":irc.test 404 * #rust :Cannot send to channel\r\n");
    assertThat(codec.refused(new Reply.Refused(1, notInRoom, "you are not in #rust", "rust", true))).isEmpty();
  }

  private static RoomEvent event(RoomEvent.Kind kind, String text) {
    return new RoomEvent(kind, "rust", 7, "1", 0, 42, "tom", text, 1, "text@n", null, 0);
  }
}
