package dev.chatbus.bus;

import java.util.List;

/**
 * What the routers of a network tell each other ({@link Addresses#router}): that one is up
 * ({@link Hello}, answered with its own sessions), the changes of their sessions ({@link Update},
 * {@link Gone}), that one is stopping and where it got to in its rooms ({@link Bye}), and that one takes a
 * room's numbering up ({@link Release}, answered with where the last owner got to); which rooms one
 * numbers ({@link ListRooms}), for a listing of the network's; and who one is ({@link Who}), asked by a
 * router before it joins.
 */
public sealed interface PeerMessage extends RouterMessage {

  /**
   * A router is ready: its node, cluster node id and sessions, as in the {@link Reply.Directory} it is
   * answered with by the router asked.
   */
  record Hello(Reply.Directory sender) implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
      sender.write(out);
    }

    public static Hello read(Wire.Reader in) {
      return new Hello(Reply.Directory.read(in));
    }
  }

  /** A session held by {@code node} is new or has changed: the {@code version}th change of its directory. */
  record Update(String node, long version, Member member) implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
      out.str(node).i64(version);
      member.write(out);
    }

    public static Update read(Wire.Reader in) {
      return new Update(in.str(), in.i64(), Member.read(in));
    }
  }

  /** A session held by {@code node} has ended: the {@code version}th change of its directory. */
  record Gone(String node, long version, long session) implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
      out.str(node).i64(version).i64(session);
    }

    public static Gone read(Wire.Reader in) {
      return new Gone(in.str(), in.i64(), in.i64());
    }
  }

  /**
   * The router of {@code node} is stopping: it numbers no room from now on, and {@code rooms} are where it
   * got to in each room it numbered, for their next owners to go on from.
   */
  record Bye(String node, List<Handover> rooms) implements PeerMessage {
    public Bye {
      rooms = List.copyOf(rooms);
    }

    @Override
    public void write(Wire.Writer out) {
      out.str(node).i32(rooms.size());
      for (Handover h : rooms) {
        h.write(out);
      }
    }

    public static Bye read(Wire.Reader in) {
      String node = in.str();
      int n = in.i32();
      List<Handover> rooms = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rooms.add(Handover.read(in));
      }
      return new Bye(node, rooms);
    }
  }

  /**
   * Where the numbering of {@code room} got to: its {@code epoch}, latest {@code seq}, and the {@code nodes}
   * with members; and its {@code topic} (null when it has none) and {@code rules}.
   */
  record Handover(String room, long epoch, long seq, List<String> nodes, Topic topic, RoomRules rules) {
    public Handover {
      nodes = List.copyOf(nodes);
    }

    void write(Wire.Writer out) {
      out.str(room).i64(epoch).i64(seq).strs(nodes);
      Topic.write(out, topic);
      rules.write(out);
    }

    static Handover read(Wire.Reader in) {
      return new Handover(in.str(), in.i64(), in.i64(), in.strs(), Topic.read(in), RoomRules.read(in));
    }

    /** Of two accounts of where a room got to, the later one. */
    public static Handover later(Handover a, Handover b) {
      return a.epoch > b.epoch || (a.epoch == b.epoch && a.seq >= b.seq) ? a : b;
    }
  }

  /**
   * The router of {@code node} takes up the numbering of {@code room}: whoever numbered it stops, and
   * replies where it got to ({@link Reply.Released}).
   */
  record Release(String room, String node) implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).str(node);
    }

    public static Release read(Wire.Reader in) {
      return new Release(in.str(), in.str());
    }
  }

  /** Which rooms with members the router asked numbers, with their topics and whether they are secret. Replies {@link Reply.RoomList}. */
  record ListRooms() implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
    }

    public static ListRooms read(Wire.Reader in) {
      return new ListRooms();
    }
  }

  /**
   * Who the router asked is, without meeting the one asking: replies its {@link Reply.Directory}. Only the
   * cluster's own nodes answer over the event bus, so an answer proves a router where the shared maps only
   * claim one.
   */
  record Who() implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
    }

    public static Who read(Wire.Reader in) {
      return new Who();
    }
  }

  /**
   * Whether the router asked sees itself as the owner of {@code room}: replies {@link Reply.Done} if it does;
   * fails with {@code RETRY} if not. Asked before commands held for a room go to a router just met, which
   * may not count every node yet, or may have been cut off again since.
   */
  record Owns(String room) implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
      out.str(room);
    }

    public static Owns read(Wire.Reader in) {
      return new Owns(in.str());
    }
  }

  /**
   * Whether the router asked holds (or is taking) the name {@code key} for its session {@code session}: what
   * another router asks before it takes back an entry of the shared name registry. Replies {@link Reply.Done}
   * if it does; fails with {@code NO_SUCH_USER} if not.
   */
  record Holds(String key, long session) implements PeerMessage {
    @Override
    public void write(Wire.Writer out) {
      out.str(key).i64(session);
    }

    public static Holds read(Wire.Reader in) {
      return new Holds(in.str(), in.i64());
    }
  }

  /**
   * The posts no one waits for an answer to (a text client's lines) that a router passed on to the owner
   * of their rooms during one turn, in order. Answered {@link Reply.Done} once the owner has carried each
   * out or turned it down (to its sender's edge, {@link Reply.Refused}); unanswered, the sending router
   * sends them again to the rooms' next owners, or tells their senders they were not relayed.
   */
  record Relay(List<RoomCommand.Post> posts) implements PeerMessage {
    public Relay {
      posts = List.copyOf(posts);
    }

    @Override
    public void write(Wire.Writer out) {
      out.i32(posts.size());
      for (RoomCommand.Post p : posts) {
        p.write(out);
      }
    }

    public static Relay read(Wire.Reader in) {
      int n = in.i32();
      List<RoomCommand.Post> posts = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        posts.add(RoomCommand.Post.read(in));
      }
      return new Relay(posts);
    }
  }
}
