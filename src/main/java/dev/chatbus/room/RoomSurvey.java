package dev.chatbus.room;

import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Reply;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network's rooms as their owners tell them: every router is asked which rooms it numbers, with their
 * topics and whether they are secret ({@link PeerMessage.ListRooms}), for LIST and for what WHO and WHOIS
 * may show. A router that does not answer in time says nothing, and its rooms are taken as maybe secret.
 */
final class RoomSurvey {

  private final Owner owner;
  private final Peers peers;
  private final Directory directory;

  RoomSurvey(Owner owner, Peers peers, Directory directory) {
    this.owner = owner;
    this.peers = peers;
    this.directory = directory;
  }

  /**
   * The rooms with members, as the directory knows them, with what their owners say of them (their topics,
   * and whether they are secret, which hides them from those outside). A room no router answers for in time
   * may be secret: it is listed, without its topic, to its members only. {@code asker} is null for a service,
   * which sees every room.
   */
  Future<Reply> list(Member asker) {
    return told().map(told -> {
      List<Reply.RoomInfo> list = new ArrayList<>();
      Set<String> hidden = secret(told);
      directory.roomSizes().forEach((room, size) -> {
        Reply.RoomInfo info = told.get(room);
        boolean secret = info != null && info.secret();
        if (!hidden.contains(room) || asker == null || asker.serverOperator() || asker.rooms().contains(room)) {
          list.add(new Reply.RoomInfo(room, size, info == null ? null : info.topic(), secret));
        }
      });
      list.sort(Comparator.comparing(Reply.RoomInfo::name));
      return new Reply.RoomList(list);
    });
  }

  /** What every router says of the rooms it numbers, by name; those that do not answer in time say nothing. */
  private Future<Map<String, Reply.RoomInfo>> told() {
    List<Future<Reply>> asked = new ArrayList<>();
    asked.add(Future.succeededFuture(owner.owned()));
    for (String other : peers.otherNodes()) {
      asked.add(owner.askRouter(other, new PeerMessage.ListRooms()));
    }
    return Future.join(asked).transform(done -> {
      Map<String, Reply.RoomInfo> told = new HashMap<>();
      for (Future<Reply> f : asked) {
        if (f.succeeded()) {
          ((Reply.RoomList) f.result()).rooms().forEach(r -> told.put(r.name(), r));
        }
      }
      return Future.succeededFuture(told);
    });
  }

  /** The rooms with members that are secret, or may be: those no router said are not. */
  Future<Set<String>> secret() {
    return told().map(this::secret);
  }

  private Set<String> secret(Map<String, Reply.RoomInfo> told) {
    Set<String> secret = new HashSet<>();
    for (String room : directory.roomSizes().keySet()) {
      Reply.RoomInfo info = told.get(room);
      if (info == null || info.secret()) {
        secret.add(room);
      }
    }
    return secret;
  }
}
