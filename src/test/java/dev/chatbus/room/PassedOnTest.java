package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.BusCodecs;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.support.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The requests a router makes of other routers, on a real event bus, with the other routers played by the test. */
@ExtendWith(VertxExtension.class)
class PassedOnTest {

  /**
   * A text line's relay to a room's owner is sent a turn after the line came, to the owner of that moment.
   * If the owner's node has been found gone meanwhile, while its address still lingers on the bus (the
   * cluster forgets it a moment later), the relay must not wait there for an answer that never comes: it is
   * asked again at once of whoever should answer now, as what waited for that router when it left was.
   */
  @Test
  void aRequestOfARouterThatHasLeftIsAskedAgainAtOnce(Vertx vertx) throws Exception {
    BusCodecs.register(vertx.eventBus());
    vertx.eventBus().consumer(Addresses.router("b"), msg -> { }).completion().await(10, TimeUnit.SECONDS);
    Context context = vertx.getOrCreateContext();
    Set<String> network = ConcurrentHashMap.newKeySet();
    network.addAll(List.of("a", "b"));
    BlockingQueue<RouterMessage> askedAgain = new LinkedBlockingQueue<>();
    PassedOn passedOn = OnContext.call(context, () -> {
      PassedOn p = new PassedOn(vertx);
      p.reroute(new PassedOn.Rerouting() {
        @Override
        public boolean reroutable(RouterMessage m) {
          return true;
        }

        @Override
        public Future<Reply> again(RouterMessage m) {
          askedAgain.add(m);
          return Future.succeededFuture(new Reply.Done());
        }

        @Override
        public Future<Reply> ask(RoomCommand m) {
          return Future.failedFuture("not asked here");
        }

        @Override
        public boolean knows(String router) {
          return network.contains(router);
        }
      });
      return p;
    });
    OnContext.call(context, () -> {
      network.remove("b");
      passedOn.left("b");
      return null;
    });
    PeerMessage.Relay relay = new PeerMessage.Relay(List.of(new RoomCommand.Post("rust", 1, "alice", "alice@a",
      "said as b died", RoomEvent.Kind.MESSAGE, false, "1", false, true)));

    Future<Reply> answer = OnContext.call(context, () -> passedOn.request("b", relay, Addresses.toRouter(true)));

    assertThat(answer.await(5, TimeUnit.SECONDS)).isEqualTo(new Reply.Done());
    assertThat(askedAgain.poll()).isSameAs(relay);
  }
}
