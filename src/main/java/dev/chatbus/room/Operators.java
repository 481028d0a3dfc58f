package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.bus.Topic;
import dev.chatbus.config.ChatbusConfig;
import io.vertx.core.eventbus.EventBus;

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

  Operators(Owner owner, EventBus bus, Directory directory, ChatbusConfig.Rooms rooms) {
    this.owner = owner;
    this.bus = bus;
    this.directory = directory;
    this.rooms = rooms;
  }

  /** Answers what the topic is, or sets it (announced in the room) if the asker is in the room. */
  Reply topic(RoomCommand.SetTopic t, OwnedRoom r) {
    if (t.text() == null) {
      return new Reply.TopicIs(r.name, r.topic);
    }
    if (!r.has(t.session())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    if (r.topicLocked && !r.operators.contains(t.session())) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only the operators of #" + r.name + " set its topic");
    }
    RoomEvent e = owner.publish(r, RoomEvent.Kind.TOPIC, t.session(), t.name(), t.origin(), t.text());
    r.topic = new Topic(t.text(), t.name(), e.ts());
    return new Reply.TopicIs(r.name, r.topic);
  }

  /**
   * An operator's action: on the room (the topic's lock), or on a member (operator status, a kick), each
   * announced in the room as a {@code MODE} or {@code KICK} event. A member put out is told to its home.
   */
  Reply moderate(RoomCommand.Moderate m, OwnedRoom r) {
    if (!r.has(m.session())) {
      throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in #" + r.name);
    }
    if (!r.operators.contains(m.session())) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "you are not an operator of #" + r.name);
    }
    if (!m.action().onMember()) {
      r.topicLocked = m.action() == Moderation.LOCK_TOPIC;
      RoomEvent e = owner.publish(r, RoomEvent.Kind.MODE, m.session(), m.name(), m.origin(), m.action().mode(), null, 0);
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
      if (m.action() == Moderation.OP) {
        r.operators.add(target);
      } else {
        r.operators.remove(target);
      }
      e = owner.publish(r, RoomEvent.Kind.MODE, m.session(), m.name(), m.origin(), m.action().mode(), at.name(), target);
    }
    return new Reply.Accepted(e.id(), e.seq(), e.ts());
  }

  /** Whether the first to enter {@code room} when no one is in it becomes its operator. */
  boolean hasOperators(String room) {
    return rooms.defaultRoomOperators() || !room.equals(rooms.defaultRoom());
  }
}
