package dev.chatbus.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.List;
import java.util.function.Function;

/**
 * Registers the codec of every bus record, once per Vert.x instance, before any verticle sends one.
 * <p>
 * Locally a record travels as itself: records are immutable, so {@code transform} hands every consumer
 * the same instance. Across nodes it travels in its {@link Wire} form, under a codec name that is the
 * same on every node.
 */
public final class BusCodecs {

  private BusCodecs() {
  }

  private static final List<RecordCodec<?>> CODECS = List.of(
    codec(RoomEvent.class, RoomEvent::read),
    codec(PrivateMessage.class, PrivateMessage::read),
    codec(Invitation.class, Invitation::read),
    codec(Kill.class, Kill::read),
    codec(NameLost.class, NameLost::read),
    codec(AccountCommand.Authenticate.class, AccountCommand.Authenticate::read),
    codec(AccountCommand.Register.class, AccountCommand.Register::read),
    codec(AccountCommand.Audit.class, AccountCommand.Audit::read),
    codec(AccountCommand.BanAddress.class, AccountCommand.BanAddress::read),
    codec(AccountCommand.SaveRoom.class, AccountCommand.SaveRoom::read),
    codec(AccountCommand.CloseRoom.class, AccountCommand.CloseRoom::read),
    codec(Registration.class, Registration::read),
    codec(SessionCommand.Login.class, SessionCommand.Login::read),
    codec(SessionCommand.Identified.class, SessionCommand.Identified::read),
    codec(SessionCommand.BanAddress.class, SessionCommand.BanAddress::read),
    codec(SessionCommand.Join.class, SessionCommand.Join::read),
    codec(SessionCommand.Leave.class, SessionCommand.Leave::read),
    codec(SessionCommand.Say.class, SessionCommand.Say::read),
    codec(SessionCommand.Tell.class, SessionCommand.Tell::read),
    codec(SessionCommand.ServiceSay.class, SessionCommand.ServiceSay::read),
    codec(SessionCommand.ServiceTell.class, SessionCommand.ServiceTell::read),
    codec(SessionCommand.Rename.class, SessionCommand.Rename::read),
    codec(SessionCommand.Who.class, SessionCommand.Who::read),
    codec(SessionCommand.ListRooms.class, SessionCommand.ListRooms::read),
    codec(SessionCommand.Sync.class, SessionCommand.Sync::read),
    codec(SessionCommand.RoomTopic.class, SessionCommand.RoomTopic::read),
    codec(SessionCommand.Moderate.class, SessionCommand.Moderate::read),
    codec(SessionCommand.Modes.class, SessionCommand.Modes::read),
    codec(SessionCommand.Removed.class, SessionCommand.Removed::read),
    codec(SessionCommand.Invite.class, SessionCommand.Invite::read),
    codec(SessionCommand.RegisterRoom.class, SessionCommand.RegisterRoom::read),
    codec(SessionCommand.CloseRoom.class, SessionCommand.CloseRoom::read),
    codec(SessionCommand.ServiceModerate.class, SessionCommand.ServiceModerate::read),
    codec(SessionCommand.Away.class, SessionCommand.Away::read),
    codec(SessionCommand.UserMode.class, SessionCommand.UserMode::read),
    codec(SessionCommand.Kill.class, SessionCommand.Kill::read),
    codec(SessionCommand.Status.class, SessionCommand.Status::read),
    codec(SessionCommand.Lookup.class, SessionCommand.Lookup::read),
    codec(SessionCommand.Census.class, SessionCommand.Census::read),
    codec(SessionCommand.Disconnect.class, SessionCommand.Disconnect::read),
    codec(SessionCommand.History.class, SessionCommand.History::read),
    codec(SessionCommand.Locate.class, SessionCommand.Locate::read),
    codec(PeerMessage.Hello.class, PeerMessage.Hello::read),
    codec(PeerMessage.Update.class, PeerMessage.Update::read),
    codec(PeerMessage.Gone.class, PeerMessage.Gone::read),
    codec(PeerMessage.Bye.class, PeerMessage.Bye::read),
    codec(PeerMessage.Release.class, PeerMessage.Release::read),
    codec(PeerMessage.ListRooms.class, PeerMessage.ListRooms::read),
    codec(PeerMessage.Who.class, PeerMessage.Who::read),
    codec(PeerMessage.Holds.class, PeerMessage.Holds::read),
    codec(PeerMessage.Owns.class, PeerMessage.Owns::read),
    codec(PeerMessage.Relay.class, PeerMessage.Relay::read),
    codec(RoomCommand.Enter.class, RoomCommand.Enter::read),
    codec(RoomCommand.Exit.class, RoomCommand.Exit::read),
    codec(RoomCommand.Post.class, RoomCommand.Post::read),
    codec(RoomCommand.RenameIn.class, RoomCommand.RenameIn::read),
    codec(RoomCommand.RoomHistory.class, RoomCommand.RoomHistory::read),
    codec(RoomCommand.RoomLocate.class, RoomCommand.RoomLocate::read),
    codec(RoomCommand.SetTopic.class, RoomCommand.SetTopic::read),
    codec(RoomCommand.Moderate.class, RoomCommand.Moderate::read),
    codec(RoomCommand.Describe.class, RoomCommand.Describe::read),
    codec(RoomCommand.Invite.class, RoomCommand.Invite::read),
    codec(RoomCommand.RegisterRoom.class, RoomCommand.RegisterRoom::read),
    codec(RoomCommand.CloseRoom.class, RoomCommand.CloseRoom::read),
    codec(RoomCommand.Identified.class, RoomCommand.Identified::read),
    codec(Reply.LoggedIn.class, Reply.LoggedIn::read),
    codec(Reply.Joined.class, Reply.Joined::read),
    codec(Reply.Left.class, Reply.Left::read),
    codec(Reply.Accepted.class, Reply.Accepted::read),
    codec(Reply.Refused.class, Reply.Refused::read),
    codec(Reply.Relayed.class, Reply.Relayed::read),
    codec(Reply.Renamed.class, Reply.Renamed::read),
    codec(Reply.Members.class, Reply.Members::read),
    codec(Reply.RoomList.class, Reply.RoomList::read),
    codec(Reply.History.class, Reply.History::read),
    codec(Reply.Located.class, Reply.Located::read),
    codec(Reply.Directory.class, Reply.Directory::read),
    codec(Reply.Account.class, Reply.Account::read),
    codec(Reply.Released.class, Reply.Released::read),
    codec(Reply.Done.class, Reply.Done::read),
    codec(Reply.TopicIs.class, Reply.TopicIs::read),
    codec(Reply.Modes.class, Reply.Modes::read),
    codec(Reply.Bans.class, Reply.Bans::read),
    codec(Reply.People.class, Reply.People::read),
    codec(Reply.Census.class, Reply.Census::read),
    codec(Persist.Batch.class, Persist.Batch::read),
    codec(Persist.Query.class, Persist.Query::read),
    codec(Persist.Stored.class, Persist.Stored::read),
    codec(Persist.Locate.class, Persist.Locate::read),
    codec(Persist.Located.class, Persist.Located::read),
    codec(Persist.Claim.class, Persist.Claim::read),
    codec(Persist.Claimed.class, Persist.Claimed::read),
    codec(Persist.Look.class, Persist.Look::read),
    codec(Persist.Sync.class, Persist.Sync::read),
    codec(Persist.Fenced.class, Persist.Fenced::read));

  /** Registers every codec on {@code bus}; fails if they are already registered there. */
  public static void register(EventBus bus) {
    for (RecordCodec<?> codec : CODECS) {
      codec.registerOn(bus);
    }
  }

  /** Removes what {@link #register} added. */
  public static void unregister(EventBus bus) {
    for (RecordCodec<?> codec : CODECS) {
      bus.unregisterDefaultCodec(codec.type);
    }
  }

  /** The codec of {@code type}, for tests that check the wire form. */
  @SuppressWarnings("unchecked")
  public static <T extends Wire.Writable> MessageCodec<T, T> codecOf(Class<T> type) {
    for (RecordCodec<?> codec : CODECS) {
      if (codec.type == type) {
        return (MessageCodec<T, T>) codec;
      }
    }
    throw new IllegalArgumentException("no codec for " + type);
  }

  private static <T extends Wire.Writable> RecordCodec<T> codec(Class<T> type, Function<Wire.Reader, T> reader) {
    return new RecordCodec<>(type, reader);
  }

  /** The codec name of {@code type}, for example {@code chatbus.SessionCommand.Login}. */
  public static String codecName(Class<?> type) {
    String enclosing = type.getEnclosingClass() == null ? "" : type.getEnclosingClass().getSimpleName() + ".";
    return "chatbus." + enclosing + type.getSimpleName();
  }

  /** The codec of one record type. */
  private static final class RecordCodec<T extends Wire.Writable> implements MessageCodec<T, T> {
    private final Class<T> type;
    private final String name;
    private final Function<Wire.Reader, T> reader;

    RecordCodec(Class<T> type, Function<Wire.Reader, T> reader) {
      this.type = type;
      this.name = codecName(type);
      this.reader = reader;
    }

    void registerOn(EventBus bus) {
      bus.registerDefaultCodec(type, this);
    }

    @Override
    public void encodeToWire(Buffer buffer, T value) {
      value.write(new Wire.Writer(buffer));
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      return reader.apply(new Wire.Reader(buffer, pos));
    }

    @Override
    public T transform(T value) {
      return value;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
