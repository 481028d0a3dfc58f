package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextCodecTest {

  private final TextCodec codec = new TextCodec(new ServerInfo("chatbus 0.1", "node-a", "lobby"));

  private ClientCommand parse(String line) {
    return codec.parse(line, true);
  }

  @Test
  void greeting() {
    assertThat(ClientCodec.greeting(new ServerInfo("chatbus 0.1", "node-a", "lobby")))
      .isEqualTo("* chatbus 0.1 on node-a. Please enter your name:\n");
  }

  @Test
  void beforeLoginALineIsAName() {
    assertThat(codec.parse("  alice  ", false)).isEqualTo(new ClientCommand.Hello("alice", "text", "Chatbus text client", null));
    assertThat(codec.parse("/quit", false)).isEqualTo(new ClientCommand.Quit(null, null));
    assertThat(codec.parse("/who", false)).isInstanceOf(ClientCommand.Invalid.class);
    assertThat(codec.parse("//x", false)).isInstanceOf(ClientCommand.Invalid.class);
  }

  @Test
  void plainLinesAreSaidInTheCurrentRoom() {
    assertThat(parse("hello")).isEqualTo(new ClientCommand.Say(null, "hello", RoomEvent.Kind.MESSAGE, null));
    assertThat(parse("a\u0007b")).isEqualTo(new ClientCommand.Say(null, "ab", RoomEvent.Kind.MESSAGE, null));
  }

  @Test
  void doubleSlashEscapesALeadingSlash() {
    assertThat(parse("//me is not a command")).isEqualTo(new ClientCommand.Say(null, "/me is not a command", RoomEvent.Kind.MESSAGE, null));
  }

  @Test
  void commands() {
    assertThat(parse("/join #rust")).isEqualTo(new ClientCommand.Join("#rust", null, null));
    assertThat(parse("/join rust extra words")).isEqualTo(new ClientCommand.Join("rust", null, null));
    assertThat(parse("/leave")).isEqualTo(new ClientCommand.Leave(null, null, null));
    assertThat(parse("/part")).isEqualTo(new ClientCommand.Leave(null, null, null));
    assertThat(parse("/rooms")).isEqualTo(new ClientCommand.Rooms(null));
    assertThat(parse("/list")).isEqualTo(new ClientCommand.Rooms(null));
    assertThat(parse("/who")).isEqualTo(new ClientCommand.Who(null, null));
    assertThat(parse("/who #go")).isEqualTo(new ClientCommand.Who("#go", null));
    assertThat(parse("/nick bob")).isEqualTo(new ClientCommand.Nick("bob", null));
    assertThat(parse("/msg bob hi  there")).isEqualTo(new ClientCommand.Msg("bob", "hi  there", RoomEvent.Kind.MESSAGE, null));
    assertThat(parse("/tell bob hi")).isEqualTo(new ClientCommand.Msg("bob", "hi", RoomEvent.Kind.MESSAGE, null));
    assertThat(parse("/me waves")).isEqualTo(new ClientCommand.Say(null, "waves", RoomEvent.Kind.ACTION, null));
    assertThat(parse("/ping")).isEqualTo(new ClientCommand.Ping(null));
    assertThat(parse("/help")).isEqualTo(new ClientCommand.Help(null));
    assertThat(parse("/quit")).isEqualTo(new ClientCommand.Quit(null, null));
    assertThat(parse("/quit see you")).isEqualTo(new ClientCommand.Quit("see you", null));
  }

  @Test
  void commandNamesIgnoreCase() {
    assertThat(parse("/JOIN rust")).isEqualTo(new ClientCommand.Join("rust", null, null));
  }

  @Test
  void unknownCommandsAndMissingArguments() {
    assertThat(parse("/dance")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "unknown command /dance; /help lists the commands", null));
    assertThat(parse("/join")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "usage: /join ROOM", null));
    assertThat(parse("/msg bob")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "usage: /msg NAME TEXT", null));
    assertThat(parse("/msg bob \u0007")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "usage: /msg NAME TEXT", null));
    assertThat(parse("/me  ")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "usage: /me TEXT", null));
    assertThat(parse("/nick")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "usage: /nick NAME", null));
  }

  @Test
  void welcomeCountsTheOthers() {
    assertThat(codec.welcome("alice", new Reply.Joined("lobby", 1, null, new Reply.Roster(1, List.of("alice"), List.of(), List.of(), List.of(), false)), null))
      .isEqualTo("* welcome alice. You are in #lobby with no one else. /help lists the commands.\n");
    assertThat(codec.welcome("alice", new Reply.Joined("lobby", 1, null, new Reply.Roster(2, List.of("bob", "alice"), List.of(), List.of(), List.of(), false)), null))
      .isEqualTo("* welcome alice. You are in #lobby with 1 other. /help lists the commands.\n");
    assertThat(codec.welcome("alice", new Reply.Joined("lobby", 1, null, new Reply.Roster(3, List.of("bob", "carol", "alice"), List.of(), List.of(), List.of(), false)), null))
      .isEqualTo("* welcome alice. You are in #lobby with 2 others. /help lists the commands.\n");
  }

  @Test
  void roomEvents() {
    assertThat(codec.roomEvent(event(RoomEvent.Kind.MESSAGE, "hi"))).isEqualTo("alice: hi\n");
    assertThat(codec.roomEvent(event(RoomEvent.Kind.ACTION, "waves"))).isEqualTo("* alice waves\n");
    assertThat(codec.roomEvent(event(RoomEvent.Kind.JOIN, null))).isEqualTo("* alice has joined #lobby\n");
    assertThat(codec.roomEvent(event(RoomEvent.Kind.LEAVE, null))).isEqualTo("* alice has left #lobby\n");
    assertThat(codec.roomEvent(event(RoomEvent.Kind.LEAVE, "idle timeout"))).isEqualTo("* alice has left #lobby (idle timeout)\n");
    assertThat(codec.roomEvent(event(RoomEvent.Kind.RENAME, "alicia"))).isEqualTo("* alice is now known as alicia\n");
  }

  @Test
  void answers() {
    assertThat(codec.members(new Reply.Members("lobby", new Reply.Roster(2, List.of("a", "b"), List.of(), List.of(), List.of(), false)), null)).isEqualTo("* 2 in #lobby: a, b\n");
    assertThat(codec.members(new Reply.Members("lobby", new Reply.Roster(1002, List.of("a", "b"), List.of(), List.of(), List.of(), false)), null)).isEqualTo("* 1002 in #lobby: a, b and 1000 more\n");
    assertThat(codec.rooms(new Reply.RoomList(List.of(new Reply.RoomInfo("go", 1, null, false))), null)).isEqualTo("* 1 room: #go (1)\n");
    assertThat(codec.rooms(new Reply.RoomList(List.of()), null)).isEqualTo("* 0 rooms\n");
    assertThat(codec.accepted(new Reply.Accepted("1", 2, 3), null)).isEmpty();
    assertThat(codec.error(ErrorCode.NO_SUCH_USER, "no such user: bob", null)).isEqualTo("! no such user: bob\n");
    assertThat(codec.loginRejected(ErrorCode.NAME_TAKEN, "the name a is taken", null))
      .isEqualTo("! the name a is taken\n* Please enter your name:\n");
    assertThat(codec.goodbye(Goodbye.SHUTTING_DOWN)).isEqualTo("* server shutting down\n");
    assertThat(codec.dropped(1)).isEqualTo("! 1 line was dropped because you were not reading fast enough\n");
    assertThat(codec.help(null)).contains("/leave           go back to #lobby\n");
  }

  @Test
  void privateMessages() {
    assertThat(codec.privateMessage(new PrivateMessage(1, "al", 2, "bob", "text@n", "psst", RoomEvent.Kind.MESSAGE, "9", 0))).isEqualTo("[pm] bob: psst\n");
    assertThat(codec.privateMessage(new PrivateMessage(1, "al", 2, "bob", "text@n", "winks", RoomEvent.Kind.ACTION, "9", 0))).isEqualTo("[pm] * bob winks\n");
  }

  private static RoomEvent event(RoomEvent.Kind kind, String text) {
    return new RoomEvent(kind, "lobby", 5, "42", 1000, 7, "alice", text, 1);
  }
}
