package dev.chatbus.room;

import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Reply;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The posts of a {@link PeerMessage.Relay} as this router carries them out for the router that relayed them:
 * no one waits for a post's own answer, and one turned down goes back in the relay's answer
 * ({@link Reply.Relayed}) rather than straight to its sender's node, so that the relaying router tells its
 * client only while it still waits for this one. (It stops waiting when it finds this router gone, and asks
 * the relay again of the room's next owner: a router that was paused or cut off, carrying the relay out
 * late, would otherwise tell a client a line is refused that the next owner stored.) Once the relay is
 * answered, a refusal goes to the sender's node as any other.
 */
final class RelayedPosts extends HandedHere {

  private final List<Reply.Refused> refused = new ArrayList<>();
  private boolean answered;

  RelayedPosts(PeerMessage.Relay relay) {
    super(relay);
  }

  /** Keeps {@code r} for the relay's answer; false once the answer is given. */
  boolean refused(Reply.Refused r) {
    if (answered) {
      return false;
    }
    refused.add(r);
    return true;
  }

  /** The relay's answer, with the refusals so far; later ones go to their senders' nodes. */
  Reply answer() {
    answered = true;
    return refused.isEmpty() ? new Reply.Done() : new Reply.Relayed(refused);
  }

  /** Null: no one waits for a post's own answer. */
  @Override
  public String replyAddress() {
    return null;
  }

  @Override
  public void reply(Object reply, DeliveryOptions options) {
    throw new IllegalStateException("a relayed post is not answered on its own: " + reply);
  }
}
