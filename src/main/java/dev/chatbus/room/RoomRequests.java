package dev.chatbus.room;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.protocol.Names;
import io.vertx.core.eventbus.Message;

import java.util.function.LongFunction;

/**
 * What a session's home passes on to a room's owner besides entering, leaving and speaking: who is in the
 * room, its topic, its modes and bans, operators' actions and invitations, for its sessions and for
 * services (which are every room's operators). Each is of a room someone is in.
 */
final class RoomRequests {

  private final Owner owner;
  private final Directory directory;
  private final NameChecks nameChecks;
  private final LongFunction<Member> session;
  private final String serviceOrigin;

  /**
   * @param session       one of the home's sessions, or a refusal
   * @param serviceOrigin a service's {@code user@host}
   */
  RoomRequests(Owner owner, Directory directory, NameChecks nameChecks, LongFunction<Member> session, String serviceOrigin) {
    this.owner = owner;
    this.directory = directory;
    this.nameChecks = nameChecks;
    this.session = session;
    this.serviceOrigin = serviceOrigin;
  }

  /** Passes {@code c} on, answering {@code msg}, if it is one of these; returns whether it was. */
  boolean handle(SessionCommand c, Message<?> msg) {
    if (c instanceof SessionCommand.Who who) {
      owner.run(new RoomCommand.Describe(existing(who.room()), RoomCommand.Describe.What.MEMBERS, who.session(), false), msg);
    } else if (c instanceof SessionCommand.RoomTopic t) {
      topic(t, msg);
    } else if (c instanceof SessionCommand.Moderate mod) {
      Member m = session.apply(mod.session());
      owner.run(new RoomCommand.Moderate(existing(mod.room()), m.session(), m.name(), m.origin(), mod.action(),
        mod.target(), mod.reason(), false), msg);
    } else if (c instanceof SessionCommand.Modes modes) {
      owner.run(new RoomCommand.Describe(existing(modes.room()),
        modes.bans() ? RoomCommand.Describe.What.BANS : RoomCommand.Describe.What.MODES, modes.session(), false), msg);
    } else if (c instanceof SessionCommand.Invite invite) {
      invite(invite, msg);
    } else if (c instanceof SessionCommand.RegisterRoom rr) {
      Member m = session.apply(rr.session());
      owner.run(new RoomCommand.RegisterRoom(existing(rr.room()), m.session(), m.name(), m.account(), rr.on(), false), msg);
    } else if (c instanceof SessionCommand.ServiceModerate s) {
      nameChecks.service(s.service());
      String room = existing(s.room());
      owner.run(s.action() == null
        ? new RoomCommand.SetTopic(room, RoomEvent.SERVICE, s.service(), serviceOrigin, Names.topic(s.target()), false)
        : new RoomCommand.Moderate(room, RoomEvent.SERVICE, s.service(), serviceOrigin, s.action(), s.target(), s.reason(),
          false), msg);
    } else {
      return false;
    }
    return true;
  }

  private void topic(SessionCommand.RoomTopic t, Message<?> msg) {
    Member m = session.apply(t.session());
    String room = existing(t.room());
    String text = t.text() == null ? null : Names.topic(t.text());
    owner.run(new RoomCommand.SetTopic(room, m.session(), m.name(), m.origin(), text, false), msg);
  }

  private void invite(SessionCommand.Invite invite, Message<?> msg) {
    Member m = session.apply(invite.session());
    Member guest = directory.byName(invite.guest());
    if (guest == null) {
      throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + invite.guest());
    }
    owner.run(new RoomCommand.Invite(existing(invite.room()), m.session(), m.name(), m.origin(), guest.name(),
      guest.session(), guest.edge(), false), msg);
  }

  /** The normalized name of a room someone is in. */
  private String existing(String input) {
    String room = Home.room(input);
    if (directory.count(room) == 0) {
      throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no one is in #" + room);
    }
    return room;
  }

}
