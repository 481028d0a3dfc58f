package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Invitation;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Registration;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RoomFlag;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.bus.Topic;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.Masks;
import dev.chatbus.protocol.Names;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a room's members may change about it, at its owner: the topic, and, for the room's operators,
 * operator status, the topic's lock ({@code +t}) and putting a member out. Each change is an event of the
 * room, published by the {@link Owner}; a member put out is told to its home router. Who is an operator is
 * kept with the room ({@link OwnedRoom#operators}): the first to enter a room no one is in, unless it is the
 * default room and that has none ({@code rooms.defaultRoomOperators}), and whom operators make so.
 */
final class Operators {

  private final Owner owner;
  private final EventBus bus;
  private final Directory directory;
  private final ChatbusConfig.Rooms rooms;
  private final Audit audit;
  /** Whether the node keeps a store, where rooms are registered. */
  private final boolean stored;
  private final ClosedRooms closed;

  Operators(Owner owner, EventBus bus, Directory directory, ChatbusConfig.Rooms rooms, Audit audit, boolean stored,
            ClosedRooms closed) {
    this.closed = closed;
    this.audit = audit;
    this.stored = stored;
    this.owner = owner;
    this.bus = bus;
    this.directory = directory;
    this.rooms = rooms;
  }

  /** Whether {@code session} may act as an operator of {@code r}: a service, one of its operators, or a server operator. */
  private boolean operates(OwnedRoom r, long session) {
    if (session == RoomEvent.SERVICE || r.operators.contains(session)) {
      return true;
    }
    Member m = directory.session(session);
    return m != null && m.serverOperator();
  }

  /** Answers what the topic is, or sets it (announced in the room) if the asker is in the room. */
  Reply topic(RoomCommand.SetTopic t, OwnedRoom r) {
    if (t.text() == null) {
      if (r.is(RoomFlag.SECRET) && !r.has(t.session()) && !operates(r, t.session())) {
        throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
      }
      return new Reply.TopicIs(r.name, r.topic);
    }
    if (t.session() != RoomEvent.SERVICE && !r.has(t.session())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    if (r.is(RoomFlag.TOPIC_LOCKED) && !operates(r, t.session())) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only the operators of #" + r.name + " set its topic");
    }
    RoomEvent e = owner.publish(r, RoomEvent.Kind.TOPIC, t.session(), t.name(), t.origin(), t.text());
    r.topic = new Topic(t.text(), t.name(), e.ts());
    return new Reply.TopicIs(r.name, r.topic, e.id());
  }

  /**
   * An operator's action: on the room (the topic's lock), or on a member (operator status, a kick), each
   * announced in the room as a {@code MODE} or {@code KICK} event. A member put out is told to its home.
   */
  Reply moderate(RoomCommand.Moderate m, OwnedRoom r) {
    // A service is an operator of every room, and need not be in it.
    boolean service = m.session() == RoomEvent.SERVICE;
    if (!service && !r.has(m.session())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    if (!operates(r, m.session())) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "you are not an operator of #" + r.name);
    }
    if (m.action() == Moderation.FLAGS) {
      List<Moderation> flags = Moderation.flags(m.target() == null ? "" : m.target());
      if (flags == null) {
        throw new Refusal(ErrorCode.BAD_PARAMETER, "flags are changed as +FLAGS or -FLAGS, each one of i m n s t");
      }
      flags.forEach(f -> setFlag(f, r));
      RoomEvent e = owner.publish(r, RoomEvent.Kind.MODE, m.session(), m.name(), m.origin(), Moderation.write(flags), null, 0);
      audit.record(m.name(), "mode", "#" + r.name, Moderation.write(flags));
      return new Reply.Accepted(e.id(), e.seq(), e.ts());
    }
    if (!m.action().onMember()) {
      String shown = setMode(m, r);
      RoomEvent e = owner.publish(r, RoomEvent.Kind.MODE, m.session(), m.name(), m.origin(), m.action().mode(), shown, 0);
      // A key is a secret: the table says it changed, not what it is.
      audit.record(m.name(), "mode", "#" + r.name, m.action().mode()
        + (shown == null || m.action() == Moderation.SET_KEY ? "" : " " + shown));
      return new Reply.Accepted(e.id(), e.seq(), e.ts());
    }
    long target = r.sessionOf(m.target());
    if (target == 0) {
      if (directory.byName(m.target()) == null) {
        throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + m.target());
      }
      throw new Refusal(ErrorCode.NOT_A_MEMBER, m.target() + " is not in #" + r.name);
    }
    OwnedRoom.At at = r.member(target);
    RoomEvent e;
    if (m.action() == Moderation.KICK) {
      String reason = m.reason() == null || m.reason().isBlank() ? m.name() : m.reason();
      e = owner.publish(r, RoomEvent.Kind.KICK, m.session(), m.name(), m.origin(), reason, at.name(), target);
      r.exit(target);
      bus.send(Addresses.router(at.node()), new SessionCommand.Removed(target, r.name));
    } else {
      boolean on = m.action().on();
      boolean operator = m.action() == Moderation.OP || m.action() == Moderation.DEOP;
      Set<Long> holders = operator ? r.operators : r.voiced;
      if (on ? holders.add(target) : holders.remove(target)) {
        bus.send(Addresses.router(at.node()), new SessionCommand.Status(target, r.name, operator, on));
      }
      e = owner.publish(r, RoomEvent.Kind.MODE, m.session(), m.name(), m.origin(), m.action().mode(), at.name(), target);
    }
    audit.record(m.name(), m.action() == Moderation.KICK ? "kick" : "mode", "#" + r.name + " " + at.name(),
      m.action() == Moderation.KICK ? m.reason() : m.action().mode());
    return new Reply.Accepted(e.id(), e.seq(), e.ts());
  }

  /**
   * Registers the room to the asker's account (an operator of it, identified), with the accounts of its
   * operators now as its operators, and its rules as they are; or drops the registration (its founder, or a
   * server operator).
   */
  Reply register(RoomCommand.RegisterRoom rr, OwnedRoom r) {
    if (!r.has(rr.session())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    long now = System.currentTimeMillis();
    if (!rr.on()) {
      if (r.registration == null) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "#" + r.name + " is not registered");
      }
      Member m = directory.session(rr.session());
      boolean founder = rr.account() != null && Names.nameKey(rr.account()).equals(Names.nameKey(r.registration.founder()));
      if (!founder && (m == null || !m.serverOperator())) {
        throw new Refusal(ErrorCode.NOT_OPERATOR, "only " + r.registration.founder() + ", who registered #" + r.name
          + ", or a server operator drops its registration");
      }
      owner.save(Registration.dropped(r.name, Math.max(now, r.registration.changedAt() + 1)));
      r.registration = null;
      audit.record(rr.name(), "unregister_room", "#" + r.name, null);
      return new Reply.Done();
    }
    if (!stored) {
      throw new Refusal(ErrorCode.REGISTRATION_OFF, "rooms are registered in the store, and this server keeps none");
    }
    if (rr.account() == null) {
      throw new Refusal(ErrorCode.ACCOUNT_REQUIRED, "a room is registered to an account: identify first");
    }
    if (!operates(r, rr.session())) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only an operator of #" + r.name + " registers it");
    }
    if (r.registration != null) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "#" + r.name + " is registered to " + r.registration.founder() + " already");
    }
    Set<String> accounts = new LinkedHashSet<>();
    accounts.add(Names.nameKey(rr.account()));
    for (long op : r.operators) {
      Member m = directory.session(op);
      if (m != null && m.account() != null) {
        accounts.add(Names.nameKey(m.account()));
      }
    }
    Registration reg = new Registration(r.name, rr.account(), List.copyOf(accounts), r.flags, r.key, r.limit,
      List.copyOf(r.bans.values()), now);
    r.registration = reg;
    owner.save(reg);
    audit.record(rr.name(), "register_room", "#" + r.name, null);
    return new Reply.Done();
  }

  /**
   * After an operator's action in a registered room: the registration takes its rules as they are now, and,
   * for {@code +o} or {@code -o} of an identified member, its account as an operator or no longer (the
   * founder's stays).
   */
  void keepRegistration(RoomCommand.Moderate m, OwnedRoom r) {
    Registration reg = r.registration;
    List<String> accounts = new ArrayList<>(reg.operators());
    if (m.action() == Moderation.OP || m.action() == Moderation.DEOP) {
      Member target = directory.session(r.sessionOf(m.target()));
      if (target != null && target.account() != null) {
        String key = Names.nameKey(target.account());
        accounts.remove(key);
        if (m.action() == Moderation.OP || key.equals(Names.nameKey(reg.founder()))) {
          accounts.add(key);
        }
      }
    }
    r.registration = reg.with(accounts, r.flags, r.key, r.limit, List.copyOf(r.bans.values()), System.currentTimeMillis());
    owner.save(r.registration);
  }

  /** A server operator closed the room: every member is put out, each with a kick that says why. */
  Reply close(RoomCommand.CloseRoom cr, OwnedRoom r) {
    for (Map.Entry<Long, OwnedRoom.At> member : r.membersNow().entrySet()) {
      long target = member.getKey();
      OwnedRoom.At at = member.getValue();
      owner.publish(r, RoomEvent.Kind.KICK, cr.session(), cr.name(), cr.origin(), "room closed: " + cr.reason(), at.name(),
        target);
      r.exit(target);
      bus.send(Addresses.router(at.node()), new SessionCommand.Removed(target, r.name));
    }
    return new Reply.Done();
  }

  private static void setFlag(Moderation change, OwnedRoom r) {
    if (change.on()) {
      r.flags.add(change.flag());
    } else {
      r.flags.remove(change.flag());
    }
  }

  /** Changes a mode of the room; returns its parameter as shown in the {@code MODE} event (null for none). */
  private String setMode(RoomCommand.Moderate m, OwnedRoom r) {
    if (m.action().flag() != null) {
      setFlag(m.action(), r);
      return null;
    }
    switch (m.action()) {
      case CLEAR_KEY -> {
        // IRC's k always has a parameter: the key taken away is shown as *.
        r.key = null;
        return "*";
      }
      case CLEAR_LIMIT -> r.limit = 0;
      case SET_KEY -> {
        String key = m.target() == null ? "" : m.target().strip();
        if (key.isEmpty() || key.length() > 32 || key.chars().anyMatch(c -> c <= ' ' || c == ',' || c == ':')) {
          throw new Refusal(ErrorCode.BAD_PARAMETER, "a key is 1 to 32 characters without spaces, commas or colons");
        }
        r.key = key;
        return key;
      }
      case SET_LIMIT -> {
        int limit;
        try {
          limit = Integer.parseInt(m.target() == null ? "" : m.target().strip());
        } catch (NumberFormatException e) {
          limit = 0;
        }
        if (limit <= 0) {
          throw new Refusal(ErrorCode.BAD_PARAMETER, "a limit is a number above 0");
        }
        r.limit = limit;
        return Integer.toString(limit);
      }
      case BAN -> {
        String mask = mask(m.target());
        r.bans.putIfAbsent(mask, new Reply.Ban(mask, m.name(), System.currentTimeMillis()));
        return mask;
      }
      case UNBAN -> {
        String mask = mask(m.target());
        if (r.bans.remove(mask) == null) {
          throw new Refusal(ErrorCode.BAD_REQUEST, mask + " is not banned from #" + r.name);
        }
        return mask;
      }
      default -> throw new IllegalArgumentException("not a mode of the room: " + m.action());
    }
    return null;
  }

  /** The most characters of a ban's mask, as given. */
  private static final int MAX_MASK = 100;

  private static String mask(String given) {
    String m = given == null ? "" : given.strip();
    if (m.isEmpty() || m.length() > MAX_MASK || m.startsWith(":") || m.chars().anyMatch(c -> c <= ' ' || c == ',' || c == 0x7f)) {
      throw new Refusal(ErrorCode.BAD_PARAMETER, "a ban names someone: a name, or a mask nick!user@host of at most "
        + MAX_MASK + " characters, without spaces or commas");
    }
    return Masks.normalize(m);
  }

  /**
   * Lets {@code e}'s member into {@code r}, or refuses: banned, not invited into a room closed to outsiders,
   * without its key, or over its limit. An invitation is used up on entering.
   */
  void admit(RoomCommand.Enter e, OwnedRoom r) {
    long guest = e.member().session();
    String closedFor = closed.reason(r.name);
    if (closedFor != null && !e.member().serverOperator()) {
      throw new Refusal(ErrorCode.ROOM_CLOSED, "#" + r.name + " is closed: " + closedFor);
    }
    boolean invited = r.invited.contains(guest);
    if (r.banned(e.member().name(), e.member().origin())) {
      throw new Refusal(ErrorCode.BANNED, "you are banned from #" + r.name);
    }
    if (r.is(RoomFlag.INVITE_ONLY) && !invited) {
      throw new Refusal(ErrorCode.INVITE_ONLY, "#" + r.name + " is for those invited only");
    }
    if (r.key != null && !r.key.equals(e.key()) && !invited) {
      throw new Refusal(ErrorCode.BAD_KEY, "#" + r.name + " asks for a key");
    }
    if (r.limit > 0 && r.size() >= r.limit && !invited) {
      throw new Refusal(ErrorCode.ROOM_FULL, "#" + r.name + " is full");
    }
    r.invited.remove(guest);
  }

  /** A member invites someone in: into a room closed to outsiders, only an operator may. */
  Reply invite(RoomCommand.Invite i, OwnedRoom r) {
    if (!r.has(i.session())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    if (r.is(RoomFlag.INVITE_ONLY) && !operates(r, i.session())) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only the operators of #" + r.name + " invite people in");
    }
    if (r.has(i.guestSession())) {
      throw new Refusal(ErrorCode.ALREADY_IN_ROOM, i.guest() + " is in #" + r.name + " already");
    }
    r.invited.add(i.guestSession());
    bus.send(i.guestEdge(), new Invitation(i.guestSession(), r.name, i.name(), i.origin()));
    return new Reply.Done();
  }

  /** What {@code r} is like: its members and operators, its modes, or its bans. */
  Reply describe(RoomCommand.Describe d, OwnedRoom r) {
    return switch (d.what()) {
      case MODES -> new Reply.Modes(r.name, r.modes(r.has(d.asker())), r.since);
      case BANS -> new Reply.Bans(r.name, List.copyOf(r.bans.values()));
      case MEMBERS -> new Reply.Members(r.name, roster(r, d.asker(), null));
    };
  }

  /**
   * Refuses a message to {@code r} that its rules keep out: from outside it, unless it lets anyone speak
   * ({@code -n}); from anyone its bans name, but its operators; and, when it is moderated ({@code +m}), from
   * anyone but its operators and voiced members.
   */
  void mayPost(OwnedRoom r, RoomCommand.Post p) {
    long session = p.session();
    if (session == RoomEvent.SERVICE) {
      return;
    }
    if (r.is(RoomFlag.NO_EXTERNAL) && !r.has(session)) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    if (!r.bans.isEmpty() && r.banned(p.name(), p.origin()) && !operates(r, session)) {
      throw new Refusal(ErrorCode.BANNED, "you are banned from #" + r.name);
    }
    if (r.is(RoomFlag.MODERATED) && !r.voiced.contains(session) && !operates(r, session)) {
      throw new Refusal(ErrorCode.MODERATED, "#" + r.name + " is moderated: only its operators and voiced members speak");
    }
  }

  /**
   * Who is in {@code r} as {@code asker} may see it, with {@code plus} (a member entering, not yet in the
   * directory) or null: to those outside it, a secret room shows no one, and the invisible are not listed.
   */
  Reply.Roster roster(OwnedRoom r, long asker, Member plus) {
    boolean inside = r.has(asker) || operates(r, asker);
    boolean secret = r.is(RoomFlag.SECRET);
    if (secret && !inside) {
      return Reply.Roster.none(true);
    }
    Directory.Listing listing = directory.listing(r.name, Reply.LIST_LIMIT, plus, inside);
    List<String> operators = r.names(r.operators);
    List<String> voiced = r.names(r.voiced);
    if (!inside) {
      // Those not listed (the invisible) are not named as operators or voiced either.
      operators.retainAll(listing.names());
      voiced.retainAll(listing.names());
    }
    return new Reply.Roster(directory.count(r.name) + (plus == null ? 0 : 1), listing.names(), operators, voiced,
      listing.origins(), secret);
  }

  /** Whether {@code asker} may read the history of {@code r}: anyone, unless the room is closed to outsiders. */
  boolean mayRead(OwnedRoom r, long asker) {
    return !(r.is(RoomFlag.INVITE_ONLY) || r.is(RoomFlag.SECRET) || r.key != null) || r.has(asker);
  }

  /** Whether the first to enter {@code room} when no one is in it becomes its operator. */
  boolean hasOperators(String room) {
    return rooms.defaultRoomOperators() || !room.equals(rooms.defaultRoom());
  }
}
