package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.List;

/** The router's successful answer to a {@link RouterMessage}. */
public sealed interface Reply extends Wire.Writable {

  /** The most names a reply lists; bigger rooms give their size and the first names in join order. */
  int LIST_LIMIT = 1000;

  /** The session is registered under {@code name} and has entered a room ({@code joined}), unless it asked for none (null). */
  record LoggedIn(String name, Joined joined) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.str(name).bool(joined != null);
      if (joined != null) {
        joined.write(out);
      }
    }

    public static LoggedIn read(Wire.Reader in) {
      return new LoggedIn(in.str(), in.bool() ? Joined.read(in) : null);
    }
  }

  /**
   * Who is in a room, as its owner lists them: {@code count} members, of whom {@code names} are the first
   * {@link #LIST_LIMIT} in the order they entered; {@code operators} and {@code voiced} the names among them
   * that are operators or voiced ({@code +v}); {@code origins} the {@code user@host} of each, in the order of
   * {@code names} (empty when not known); and whether the room is secret ({@code +s}).
   */
  record Roster(int count, List<String> names, List<String> operators, List<String> voiced, List<String> origins,
                boolean secret) {
    public Roster {
      names = List.copyOf(names);
      operators = List.copyOf(operators);
      voiced = List.copyOf(voiced);
      origins = List.copyOf(origins);
    }

    /** No one listed: what those outside a secret room are told of it. */
    public static Roster none(boolean secret) {
      return new Roster(0, List.of(), List.of(), List.of(), List.of(), secret);
    }

    void write(Wire.Writer out) {
      out.i32(count).strs(names).strs(operators).strs(voiced).strs(origins).bool(secret);
    }

    static Roster read(Wire.Reader in) {
      return new Roster(in.i32(), in.strs(), in.strs(), in.strs(), in.strs(), in.bool());
    }
  }

  /**
   * The session is in {@code room}, whose members are {@code roster} (the session included); {@code seq} is
   * the sequence number of the session's join event (events after it are live); {@code topic} is the room's
   * (null when it has none).
   */
  record Joined(String room, long seq, Topic topic, Roster roster) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(seq);
      Topic.write(out, topic);
      roster.write(out);
    }

    public static Joined read(Wire.Reader in) {
      return new Joined(in.str(), in.i64(), Topic.read(in), Roster.read(in));
    }
  }

  /**
   * The topic of {@code room} (null when it has none), asked for, or just set: then {@code id} is that of the
   * event that told the room (else null), and the topic's time the event's.
   */
  record TopicIs(String room, Topic topic, String id) implements Reply {
    public TopicIs(String room, Topic topic) {
      this(room, topic, null);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room);
      Topic.write(out, topic);
      out.str(id);
    }

    public static TopicIs read(Wire.Reader in) {
      return new TopicIs(in.str(), Topic.read(in), in.str());
    }
  }

  /** The session has left {@code room}. */
  record Left(String room) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.str(room);
    }

    public static Left read(Wire.Reader in) {
      return new Left(in.str());
    }
  }

  /**
   * A message was accepted as {@code id}; {@code seq} is its room sequence number (0 for private messages);
   * {@code away} is why a private message's recipient is away (null when it is not).
   */
  record Accepted(String id, long seq, long ts, String away) implements Reply {
    public Accepted(String id, long seq, long ts) {
      this(id, seq, ts, null);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(id).i64(seq).i64(ts).str(away);
    }

    public static Accepted read(Wire.Reader in) {
      return new Accepted(in.str(), in.i64(), in.i64(), in.str());
    }
  }

  /**
   * A command sent without waiting for an answer (a text or IRC client's message to {@code room}, a notice
   * when {@code notice}) was turned down: sent by the router to the session's edge address, to be shown to
   * {@code session}.
   */
  record Refused(long session, int code, String message, String room, boolean notice) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.i64(session).i32(code).str(message).str(room).bool(notice);
    }

    public static Refused read(Wire.Reader in) {
      return new Refused(in.i64(), in.i32(), in.str(), in.str(), in.bool());
    }
  }

  /**
   * The answer to a {@link PeerMessage.Relay}: its posts are carried out (and stored), and those in
   * {@code refused} were turned down, for the relaying router to tell their senders. Heard only while that
   * router still waits for the answer: one that has asked the relay again elsewhere tells nothing of it.
   */
  record Relayed(List<Refused> refused) implements Reply {
    public Relayed {
      refused = List.copyOf(refused);
    }

    @Override
    public void write(Wire.Writer out) {
      out.i32(refused.size());
      for (Refused r : refused) {
        r.write(out);
      }
    }

    public static Relayed read(Wire.Reader in) {
      int n = in.i32();
      List<Refused> refused = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        refused.add(Refused.read(in));
      }
      return new Relayed(refused);
    }
  }

  /** The session is now called {@code name}. */
  record Renamed(String name) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.str(name);
    }

    public static Renamed read(Wire.Reader in) {
      return new Renamed(in.str());
    }
  }

  /** Who is in {@code room}. */
  record Members(String room, Roster roster) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.str(room);
      roster.write(out);
    }

    public static Members read(Wire.Reader in) {
      return new Members(in.str(), Roster.read(in));
    }
  }

  /**
   * The modes of {@code room} as IRC writes them ({@code +nt}), and when the room was taken up by its
   * owner, in epoch milliseconds.
   */
  record Modes(String room, String modes, long since) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).str(modes).i64(since);
    }

    public static Modes read(Wire.Reader in) {
      return new Modes(in.str(), in.str(), in.i64());
    }
  }

  /** The rooms that have members, by name, as the one who asked may see them. */
  record RoomList(List<RoomInfo> rooms) implements Reply {
    public RoomList {
      rooms = List.copyOf(rooms);
    }

    @Override
    public void write(Wire.Writer out) {
      out.i32(rooms.size());
      for (RoomInfo r : rooms) {
        out.str(r.name()).i32(r.members()).str(r.topic()).bool(r.secret());
      }
    }

    public static RoomList read(Wire.Reader in) {
      int n = in.i32();
      List<RoomInfo> rooms = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rooms.add(new RoomInfo(in.str(), in.i32(), in.str(), in.bool()));
      }
      return new RoomList(rooms);
    }
  }

  /**
   * Stored events of {@code room}, oldest first; {@code complete} is false when some of what was asked
   * for is no longer stored (pruned, or lost while the store was unavailable). {@code more} is null when
   * the answer holds all that was asked for, and otherwise how to ask for the rest: an answer is bounded
   * in bytes ({@code history.maxBytes}) as well as in events.
   */
  record History(String room, List<RoomEvent> events, boolean complete, More more) implements Reply {
    public History {
      events = List.copyOf(events);
    }

    public History(String room, List<RoomEvent> events, boolean complete) {
      this(room, events, complete, null);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room);
      Wire.writeEvents(out, events);
      out.bool(complete).bool(more != null);
      if (more != null) {
        out.i64(more.afterSeq()).i64(more.beforeSeq()).i32(more.limit());
      }
    }

    public static History read(Wire.Reader in) {
      String room = in.str();
      List<RoomEvent> events = Wire.readEvents(in);
      boolean complete = in.bool();
      return new History(room, events, complete, in.bool() ? new More(in.i64(), in.i64(), in.i32()) : null);
    }
  }

  /**
   * Where a mark ({@link SessionCommand.Locate}) falls in the numbering of {@code room}: the events before it
   * are those numbered below {@code before}, the events after it those numbered above {@code after}. For a
   * message both are its number, and -1 when the room holds no message with that id (it was pruned, or is
   * another room's). For a time, {@code before} is the number of the first event at that time or later
   * (one past the room's latest when there is none), {@code after} one below that of the first event later.
   */
  record Located(String room, long before, long after) implements Reply {
    /** Whether the mark was found: a time always is, a message when the room still holds it. */
    public boolean found() {
      return before >= 0;
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i64(before).i64(after);
    }

    public static Located read(Wire.Reader in) {
      return new Located(in.str(), in.i64(), in.i64());
    }
  }

  /**
   * The rest of a history answer that was cut short: the events after {@code afterSeq} when it is not
   * negative (reading forwards), else those before {@code beforeSeq}, up to {@code limit} more.
   */
  record More(long afterSeq, long beforeSeq, int limit) {
    public boolean forwards() {
      return afterSeq >= 0;
    }
  }

  /**
   * The sessions held by the router of {@code node} (cluster node {@code clusterId}, node tag {@code tag}),
   * as of {@code version}.
   */
  record Directory(String node, String clusterId, int tag, long version, List<Member> sessions) implements Reply {
    public Directory {
      sessions = List.copyOf(sessions);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(node).str(clusterId).i32(tag).i64(version);
      Member.writeAll(out, sessions);
    }

    public static Directory read(Wire.Reader in) {
      return new Directory(in.str(), in.str(), in.i32(), in.i64(), Member.readAll(in));
    }
  }

  /**
   * Where a router that gave up numbering a room got to ({@code last}), or null if it was not numbering
   * the room and knew of no one who had.
   */
  record Released(PeerMessage.Handover last) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.bool(last != null);
      if (last != null) {
        last.write(out);
      }
    }

    public static Released read(Wire.Reader in) {
      return new Released(in.bool() ? PeerMessage.Handover.read(in) : null);
    }
  }

  /** Done, with nothing more to say: what came before a {@link SessionCommand.Sync} has been handled. */
  record Done() implements Reply {
    @Override
    public void write(Wire.Writer out) {
    }

    public static Done read(Wire.Reader in) {
      return new Done();
    }
  }

  /**
   * The network's {@code users} ({@code invisible} of them invisible, {@code operators} of them server
   * operators), {@code rooms} with members, and
   * {@code nodes}; {@code local} of the users are on the answering node.
   */
  record Census(int users, int invisible, int operators, int rooms, int nodes, int local) implements Reply {
    @Override
    public void write(Wire.Writer out) {
      out.i32(users).i32(invisible).i32(operators).i32(rooms).i32(nodes).i32(local);
    }

    public static Census read(Wire.Reader in) {
      return new Census(in.i32(), in.i32(), in.i32(), in.i32(), in.i32(), in.i32());
    }
  }

  /** Users as the directory knows them, for IRC's {@code WHO} and {@code WHOIS}. */
  record People(List<Member> people) implements Reply {
    public People {
      people = List.copyOf(people);
    }

    @Override
    public void write(Wire.Writer out) {
      Member.writeAll(out, people);
    }

    public static People read(Wire.Reader in) {
      return new People(Member.readAll(in));
    }
  }

  /** The bans of {@code room}, each a mask, who set it and when (epoch milliseconds). */
  record Bans(String room, List<Ban> bans) implements Reply {
    public Bans {
      bans = List.copyOf(bans);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(room).i32(bans.size());
      for (Ban b : bans) {
        out.str(b.mask()).str(b.by()).i64(b.at());
      }
    }

    public static Bans read(Wire.Reader in) {
      String room = in.str();
      int n = in.i32();
      List<Ban> bans = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        bans.add(new Ban(in.str(), in.str(), in.i64()));
      }
      return new Bans(room, bans);
    }
  }

  /** One ban of a room: a mask ({@code nick!user@host}, with wildcards), who set it and when. */
  record Ban(String mask, String by, long at) {
  }

  /** One line of a {@link RoomList}: a room, how many are in it, its topic's text (null for none), and whether it is secret. */
  record RoomInfo(String name, int members, String topic, boolean secret) {
  }

  /**
   * What the accounts worker answers ({@link AccountCommand}): the {@code outcome}, the account's name as
   * registered (when there is one), and, for {@code LOCKED}, how many seconds until it may be tried again.
   */
  record Account(Outcome outcome, String account, long retryAfterSeconds) implements Reply {

    /** The ordinal is the wire form: append only. */
    public enum Outcome {
      /** The password is the account's. */
      IDENTIFIED,
      /** The password is not the account's. */
      WRONG_PASSWORD,
      /** No account has the name given. */
      NO_ACCOUNT,
      /** Too many failed logins for the name or from the address, lately: not tried. */
      LOCKED,
      /** The name is registered now. */
      CREATED,
      /** The name was registered already. */
      TAKEN,
      /** The server takes no new registrations. */
      REGISTRATION_OFF;

      private static final Outcome[] VALUES = values();
    }

    @Override
    public void write(Wire.Writer out) {
      out.u8(outcome.ordinal()).str(account).i64(retryAfterSeconds);
    }

    public static Account read(Wire.Reader in) {
      return new Account(Outcome.VALUES[in.u8()], in.str(), in.i64());
    }
  }
}
