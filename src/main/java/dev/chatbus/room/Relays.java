package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The posts no one waits for an answer to (a text client's lines), on their way to the routers that own
 * their rooms: gathered per router during a turn of the router's event loop and sent as one
 * {@link PeerMessage.Relay} request each, kept by {@link PassedOn} until answered. A relay is answered once
 * for all its posts, once they are stored, with those the owner turned down, whose senders are told from
 * here; so a text line costs no answer of its own. One the owner leaves unanswered (it died, or was cut off)
 * is sent again to the rooms' next owners (by {@link PassedOn}'s rerouting), which find what it had stored
 * of it, and what the first owner answers late is not heard; one that fails tells its senders their lines
 * may not have been relayed.
 */
final class Relays {

  private final Context context;
  private final PassedOn passedOn;
  private final Answers answers;
  private final Map<String, List<RoomCommand.Post>> pending = new LinkedHashMap<>();

  Relays(Context context, PassedOn passedOn, Answers answers) {
    this.context = context;
    this.passedOn = passedOn;
    this.answers = answers;
  }

  /** Sends {@code post} to router {@code owner} with the others passed on to it this turn. */
  void add(String owner, RoomCommand.Post post) {
    if (pending.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    pending.computeIfAbsent(owner, k -> new ArrayList<>()).add(post);
  }

  private void flush() {
    pending.forEach(this::send);
    pending.clear();
  }

  /**
   * Relays {@code posts} to router {@code owner} (which may be this one) at once; when that fails, their
   * senders are told. The owner answers once they are stored, however long the store is away (or says it
   * had to drop them), as for a durable message.
   */
  Future<Reply> send(String owner, List<RoomCommand.Post> posts) {
    return tellSenders(posts, passedOn.request(owner, new PeerMessage.Relay(posts), Addresses.toRouter(true)));
  }

  /**
   * {@code relayed}, the answer to relaying {@code posts}: the senders of those the owner turned down are
   * told ({@link Reply.Relayed}); if it fails, every sender is.
   */
  Future<Reply> tellSenders(List<RoomCommand.Post> posts, Future<Reply> relayed) {
    return relayed.onSuccess(answer -> {
      if (answer instanceof Reply.Relayed r) {
        r.refused().forEach(answers::tell);
      }
    }).onFailure(err -> {
      for (RoomCommand.Post p : posts) {
        answers.refuse(p, null, ErrorCode.RETRY, "your message to #" + p.room() + " may not have been relayed: "
          + err.getMessage());
      }
    });
  }
}
