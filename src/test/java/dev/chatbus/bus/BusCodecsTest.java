package dev.chatbus.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BusCodecsTest {

  /** One example of every record that travels on the bus; null strings where the record allows them. */
  private static final List<Wire.Writable> EXAMPLES = List.of(
    new RoomEvent(RoomEvent.Kind.MESSAGE, "rust", 12, "252189310721671168", 1_795_816_217_126L, 0x13d3_01_0000000001L, "alice", "hello, wörld 🌍", 1),
    new RoomEvent(RoomEvent.Kind.LEAVE, "rust", 13, "252189310721671169", 1L, 2L, "alice", null, 1),
    new RoomEvent(RoomEvent.Kind.KICK, "rust", 14, "252189310721671170", 1L, 2L, "alice", "spam", 1, "~al@n", "bob", 8L),
    new PrivateMessage(1, "alice", 2, "bob", "~bob@n", "psst", RoomEvent.Kind.ACTION, "99", 3),
    new SessionCommand.Login(7, "alice", "chat.edge.n.0", "127.0.0.1:5000", "lobby", "~al", "Alice", true, "Alice"),
    new SessionCommand.Login(8, "bob", "chat.edge.n.0", "127.0.0.1:5001", null, "text", "bob", false, null),
    new SessionCommand.Identified(8, "bob"),
    new SessionCommand.BanAddress(8, "192.0.2.7", "spam"),
    new SessionCommand.BanAddress(8, "192.0.2.7", null),
    new AccountCommand.Authenticate("alice", "correct horse", "192.0.2.7", false),
    new AccountCommand.Register("bob", "battery staple", "::1"),
    new AccountCommand.Audit("olga", "kick", "#rust bob", null, "spam"),
    new AccountCommand.BanAddress("192.0.2.7", "olga", "spam"),
    new AccountCommand.SaveRoom(Registration.dropped("rust", 5)),
    new AccountCommand.CloseRoom("rust", "olga", "spam"),
    new SessionCommand.CloseRoom(7, "rust", "spam"),
    new RoomCommand.CloseRoom("rust", 7, "olga", "~o@n", "spam", false),
    new RoomCommand.Identified("rust", 7, "Alice", true),
    new Registration("rust", "Alice", List.of("alice", "bob"), Set.of(RoomFlag.MODERATED, RoomFlag.SECRET), "sesame", 20,
      List.of(new Reply.Ban("eve!*@*", "alice", 5)), 1234),
    new SessionCommand.RegisterRoom(7, "rust", true),
    new RoomCommand.RegisterRoom("rust", 7, "alice", "Alice", false, true),
    new AccountCommand.BanAddress("2001:db8:0:0:0:0:0:1", "olga", null),
    new Reply.Account(Reply.Account.Outcome.LOCKED, null, 840),
    new Reply.Account(Reply.Account.Outcome.IDENTIFIED, "Alice", 0),
    new SessionCommand.Join(7, "rust", null, "lobby"),
    new SessionCommand.Join(7, "rust", "s3cret", null),
    new SessionCommand.Invite(7, "bob", "rust"),
    new SessionCommand.Leave(7, "rust", "bye"),
    new SessionCommand.Say(7, "rust", "hi", RoomEvent.Kind.NOTICE, true),
    new SessionCommand.Tell(7, "bob", "hi", RoomEvent.Kind.ACTION, false),
    new SessionCommand.Sync(7),
    new Reply.Done(),
    new SessionCommand.Away(7, "lunch"),
    new SessionCommand.Census(),
    new Reply.Census(10, 2, 1, 3, 1, 8),
    new SessionCommand.ServiceModerate("deploy", "rust", null, "new topic", null),
    new SessionCommand.ServiceModerate("deploy", "rust", Moderation.KICK, "bob", "maintenance"),
    new SessionCommand.UserMode(7, Member.Mode.SERVER_OPERATOR, true),
    new SessionCommand.Status(7, "rust", false, true),
    new SessionCommand.Lookup(7, "b*", false),
    new Reply.People(List.of(new Member(7, "alice", "node-b", "chat.edge.node-b.0", List.of("rust"), "~al", "Alice", "lunch",
      true, true, List.of("rust"), List.of(), true, "Alice", "192.0.2.7"))),
    new Reply.Accepted("9", 0, 4, "lunch"),
    new SessionCommand.RoomTopic(7, "rust", "all about Rust"),
    new SessionCommand.RoomTopic(7, "rust", null),
    new Reply.TopicIs("rust", new Topic("all about Rust", "alice", 1234), "99"),
    new Reply.TopicIs("go", null),
    new SessionCommand.Moderate(7, "rust", Moderation.KICK, "bob", "spam"),
    new SessionCommand.Modes(7, "rust", false),
    new SessionCommand.Removed(8, "rust"),
    new RoomCommand.Moderate("rust", 7, "alice", "~al@n", Moderation.LOCK_TOPIC, null, null, false),
    new RoomCommand.Describe("rust", RoomCommand.Describe.What.BANS, 7, true),
    new RoomCommand.Invite("rust", 7, "alice", "~al@n", "bob", 8, "chat.edge.n.0", false),
    new Reply.Bans("rust", List.of(new Reply.Ban("bob!*@*", "alice", 5))),
    new Invitation(8, "rust", "alice", "~al@n"),
    new Kill(8, "olga", "spam"),
    new NameLost(9, "olga"),
    new SessionCommand.Kill(7, "bob", "spam"),
    new Reply.Modes("rust", "+nt", 1234),
    new Reply.Members("rust", new Reply.Roster(2, List.of("alice", "bob"), List.of("alice"), List.of("bob"), List.of(), true)),
    new RoomCommand.SetTopic("rust", 7, "alice", "~al@n", "", true),
    new Reply.Joined("rust", 9, new Topic("t", "bob", 5), new Reply.Roster(2, List.of("alice", "bob"), List.of(), List.of(), List.of(), false)),
    new SessionCommand.ServiceSay("weather", "lobby", "sunny", false, true),
    new SessionCommand.ServiceTell("weather", "bob", "rain at 5", true, false),
    new SessionCommand.History(7, "rust", 20, -1, Long.MAX_VALUE, true),
    new SessionCommand.Locate(7, "rust", true, 1_796_000_000_000L),
    new SessionCommand.Rename(7, "alicia"),
    new SessionCommand.Who(1, "rust"),
    new SessionCommand.ListRooms(7),
    new PeerMessage.ListRooms(),
    new PeerMessage.Who(),
    new PeerMessage.Holds("alice", 7),
    new PeerMessage.Owns("rust"),
    new Reply.Relayed(List.of(new Reply.Refused(7, 5, "you are not in #rust", "rust", false))),
    new PeerMessage.Relay(List.of(new RoomCommand.Post("rust", 7, "alice", "text@n", "hi", RoomEvent.Kind.MESSAGE, false,
      "1234567", false, true), new RoomCommand.Post("go", 8, "bob", "~b@n", "yo", RoomEvent.Kind.NOTICE, false, "1234568",
      true, true))),
    new Reply.RoomList(List.of(new Reply.RoomInfo("rust", 3, "crabs", false), new Reply.RoomInfo("x", 1, null, true))),
    new SessionCommand.Disconnect(7, "connection closed"),
    new Reply.LoggedIn("alice", new Reply.Joined("lobby", 4, null, new Reply.Roster(2, List.of("bob", "alice"), List.of(), List.of(), List.of(), false))),
    new Reply.LoggedIn("bob", null),
    new Reply.Joined("rust", 1, null, new Reply.Roster(5000, List.of(), List.of(), List.of(), List.of(), false)),
    new Reply.Left("rust"),
    new Reply.Accepted("123", 5, 6),
    new Reply.Refused(7, 3, "you are not in #rust", "rust", true),
    new Reply.Renamed("alicia"),
    new Reply.Members("rust", Reply.Roster.none(true)),
    new Reply.History("rust", List.of(new RoomEvent(RoomEvent.Kind.JOIN, "rust", 1, "5", 6, 0, "bob", null, 1)), false),
    new Reply.History("rust", List.of(), true, new Reply.More(-1, 40, 960)),
    new Reply.Located("rust", 12, 11),
    new Persist.Batch(3, "node-a", List.of(new RoomEvent(RoomEvent.Kind.ACTION, "go", 2, "7", 8, 9, "al", "waves", 1)),
      List.of(new PrivateMessage(1, "b", 2, "a", null, "hi", RoomEvent.Kind.MESSAGE, "10", 11))),
    new Persist.Query("rust", 20, -1, 5, true),
    new Persist.Stored(List.of(new RoomEvent(RoomEvent.Kind.MESSAGE, "rust", 4, "8", 9, RoomEvent.SERVICE, "bot", "hi", 2)), 3, 9),
    new Persist.Locate("rust", false, 4_400_000_000_000_000L),
    new Persist.Located(4, -1, 9, 1_700_000_000_000L),
    new Persist.Claim("rust", 7, "n/1"),
    new Persist.Claimed("rust", 3, 100_500),
    new Persist.Look("rust", "n/1"),
    new Persist.Fenced(java.util.Map.of("rust", 4L, "go", 9L)),
    new PeerMessage.Hello(new Reply.Directory("node-b", "c0ffee", 0x2a07, 12,
      List.of(new Member(7, "alice", "node-b", "chat.edge.node-b.0", List.of("lobby", "rust"), "~al", "Alice")))),
    new PeerMessage.Update("node-b", 13, new Member(7, "alice", "node-b", "chat.edge.node-b.0", List.of(), "json", "jay")),
    new PeerMessage.Gone("node-b", 14, 7),
    new PeerMessage.Bye("node-b", List.of(new PeerMessage.Handover("rust", 3, 99, List.of("node-a", "node-b"), null, RoomRules.NEW))),
    new PeerMessage.Release("rust", "node-c"),
    new RoomCommand.Enter("rust", new Member(7, "alice", "node-b", "chat.edge.node-b.1", List.of("lobby"), "text", "alice"), "key", false, true),
    new RoomCommand.Exit("rust", 7, "alice", "text@n", null, true, false),
    new RoomCommand.Post("rust", 7, "alice", "text@n", "hi", RoomEvent.Kind.ACTION, false, "1234567", true, true),
    new RoomCommand.RenameIn("rust", 7, "alice", "alicia", "~al@n", false),
    new RoomCommand.RoomHistory("rust", 7, 20, 4, Long.MAX_VALUE, false, true),
    new RoomCommand.RoomLocate("rust", 7, false, 4_400_000_000_000_000L, false),
    new Reply.Directory("node-a", "beef", 5, 3, List.of()),
    new Reply.Released(new PeerMessage.Handover("rust", 4, 77, List.of("node-a", "node-c"), null, RoomRules.NEW)),
    new Reply.Released(new PeerMessage.Handover("go", 4, 77, List.of("node-a"), new Topic("t", "al", 3),
      new RoomRules(List.of(7L, 9L), List.of(11L), EnumSet.of(RoomFlag.INVITE_ONLY, RoomFlag.SECRET), "s3cret", 10, List.of(new Reply.Ban("*!*@node-b", "al", 4))))),
    new Reply.Released(null),
    new Persist.Sync());

  @Test
  void everyRecordSurvivesTheWire() {
    for (Wire.Writable example : EXAMPLES) {
      MessageCodec<Wire.Writable, Wire.Writable> codec = codecOf(example);
      Buffer buffer = Buffer.buffer().appendString("prefix");
      codec.encodeToWire(buffer, example);
      assertThat(codec.decodeFromWire(6, buffer)).as(example.getClass().getSimpleName()).isEqualTo(example);
    }
  }

  @Test
  void locallyEveryConsumerGetsTheSameInstance() {
    for (Wire.Writable example : EXAMPLES) {
      assertThat(codecOf(example).transform(example)).isSameAs(example);
    }
  }

  @Test
  void everyCommandAndReplyHasACodecWithAStableName() {
    List<Class<?>> types = new ArrayList<>(List.of(RoomEvent.class, PrivateMessage.class, Invitation.class, Kill.class,
      NameLost.class, Registration.class));
    for (Class<?> protocol : RouterMessage.class.getPermittedSubclasses()) {
      types.addAll(List.of(protocol.getPermittedSubclasses()));
    }
    types.addAll(List.of(Reply.class.getPermittedSubclasses()));
    types.addAll(List.of(Persist.class.getPermittedSubclasses()));
    types.addAll(List.of(AccountCommand.class.getPermittedSubclasses()));
    for (Class<?> type : types) {
      @SuppressWarnings("unchecked")
      MessageCodec<?, ?> codec = BusCodecs.codecOf((Class<Wire.Writable>) type);
      assertThat(codec.name()).isEqualTo(BusCodecs.codecName(type));
      assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
    }
    assertThat(BusCodecs.codecName(SessionCommand.Login.class)).isEqualTo("chatbus.SessionCommand.Login");
    assertThat(BusCodecs.codecName(RoomEvent.class)).isEqualTo("chatbus.RoomEvent");
    assertThat(EXAMPLES.stream().map(Object::getClass).distinct().count()).isEqualTo(types.size());
  }

  @Test
  void whatAFailedRequestIsCalledDependsOnWhyItFailed() {
    assertThat(ErrorCode.of(new Refusal(ErrorCode.NAME_TAKEN, "taken"))).isEqualTo(ErrorCode.NAME_TAKEN);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.BUSY.code(), "busy")))
      .isEqualTo(ErrorCode.BUSY);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.NO_HANDLERS, "none"))).isEqualTo(ErrorCode.SHUTTING_DOWN);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.TIMEOUT, "late"))).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.ofRefusal(new ReplyException(ReplyFailure.NO_HANDLERS, "none"))).isNull();
    assertThat(ErrorCode.ofRefusal(new IllegalStateException("bug"))).isNull();
  }

  @Test
  void errorCodesRoundTripAndUnknownOnesAreInternal() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(ErrorCode.ofCode(c.code())).isSameAs(c);
    }
    assertThat(ErrorCode.ofCode(999)).isSameAs(ErrorCode.INTERNAL);
    assertThat(ErrorCode.ofCode(-1)).isSameAs(ErrorCode.INTERNAL);
  }

  @SuppressWarnings("unchecked")
  private static MessageCodec<Wire.Writable, Wire.Writable> codecOf(Wire.Writable example) {
    return BusCodecs.codecOf((Class<Wire.Writable>) example.getClass());
  }
}
