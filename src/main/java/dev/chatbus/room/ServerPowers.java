package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.ServerBans;
import dev.chatbus.bus.AccountCommand;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Kill;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.protocol.Names;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What server operators do to the whole network, at the home of the operator's session: disconnect
 * someone wherever they are, ban an address or a name, close a room. A ban or a closing holds on this node
 * before the answer goes, reaches the other nodes by publish, and is kept in the store (and audited) by
 * this node's accounts workers.
 */
final class ServerPowers {

  private static final Logger log = LoggerFactory.getLogger(ServerPowers.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final String node;
  private final EventBus bus;
  private final Directory directory;
  private final Owner owner;
  private final Audit audit;
  /** The addresses and names banned, and the rooms closed, as this node holds them. */
  private final ServerBans serverBans;
  private final ClosedRooms closedRooms;

  ServerPowers(String node, EventBus bus, Directory directory, Owner owner, ServerBans serverBans, ClosedRooms closedRooms) {
    this.node = node;
    this.bus = bus;
    this.directory = directory;
    this.owner = owner;
    this.audit = new Audit(bus, node);
    this.serverBans = serverBans;
    this.closedRooms = closedRooms;
  }

  /** {@code killer} disconnects someone, wherever it is: its edge closes it. */
  Reply kill(Member killer, SessionCommand.Kill k) {
    if (!killer.serverOperator()) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only server operators disconnect people");
    }
    Member victim = directory.byName(k.name());
    if (victim == null) {
      throw new Refusal(ErrorCode.NO_SUCH_USER, "no such user: " + k.name());
    }
    log.info("{} disconnects {} ({})", killer.name(), victim.name(), k.reason());
    audit.record(killer.name(), "kill", victim.name(), k.reason());
    bus.send(victim.edge(), new Kill(victim.session(), killer.name(), k.reason()));
    return new Reply.Done();
  }

  /**
   * {@code oper} bans an address or a name from the network, or lifts the ban; everyone connected from the
   * address, or holding the name, is disconnected, wherever they are.
   */
  Reply ban(Member oper, SessionCommand.BanAddress b) {
    if (!oper.serverOperator()) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only server operators ban addresses and names");
    }
    // An IP address, or a user name (no name looks like an address: none starts with a digit or holds a colon).
    String ip = ServerBans.normal(b.address());
    String address = ip != null ? ip : Names.nameProblem(b.address()) == null ? ServerBans.nameEntry(b.address()) : null;
    if (address == null) {
      throw new Refusal(ErrorCode.BAD_PARAMETER, "neither an IP address nor a name: " + b.address());
    }
    String reason = b.reason() == null ? null : b.reason().isBlank() ? "banned" : b.reason();
    log.info("{} {} {} ({})", oper.name(), reason == null ? "lifts the ban of" : "bans", address, reason);
    serverBans.set(address, reason);
    bus.publish(Addresses.SERVER_BANS, new JsonObject().put("address", address).put("reason", reason));
    bus.send(Addresses.records(node), new AccountCommand.BanAddress(address, oper.name(), reason), LOCAL);
    if (reason != null) {
      for (Member m : List.copyOf(directory.all())) {
        if (ip != null ? ip.equals(m.address()) : address.equals(ServerBans.nameEntry(m.name()))) {
          bus.send(m.edge(), new Kill(m.session(), oper.name(), "banned: " + reason));
        }
      }
    }
    return new Reply.Done();
  }

  /**
   * {@code oper} closes a room, or opens it; the room's owner puts its members out. Answered by the owner
   * when the room has members (null here), else at once.
   */
  Reply closeRoom(Member oper, SessionCommand.CloseRoom cr, Message<?> msg) {
    if (!oper.serverOperator()) {
      throw new Refusal(ErrorCode.NOT_OPERATOR, "only server operators close rooms");
    }
    String room = Names.room(cr.room());
    if (room == null) {
      throw new Refusal(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(cr.room()));
    }
    String reason = cr.reason() == null ? null : cr.reason().isBlank() ? "closed" : cr.reason();
    log.info("{} {} #{} ({})", oper.name(), reason == null ? "opens" : "closes", room, reason);
    closedRooms.set(room, reason);
    bus.publish(Addresses.CLOSED_ROOMS, new JsonObject().put("room", room).put("reason", reason));
    bus.send(Addresses.records(node), new AccountCommand.CloseRoom(room, oper.name(), reason), LOCAL);
    if (reason == null || directory.count(room) == 0) {
      return new Reply.Done();
    }
    owner.run(new RoomCommand.CloseRoom(room, oper.session(), oper.name(), oper.origin(), reason, false), msg);
    return null;
  }
}
