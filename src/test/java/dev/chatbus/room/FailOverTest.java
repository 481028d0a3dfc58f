package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.account.ServerBans;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.BusCodecs;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.cluster.Membership;
import dev.chatbus.cluster.Ring;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How router n carries out what another router passed on to it while the two saw the network otherwise, on a
 * real event bus, with router m played by the test.
 */
@ExtendWith(VertxExtension.class)
class FailOverTest {

  private static final String ROUTER = Addresses.router("n");
  private static final Reply.Directory M = new Reply.Directory("m", "m-cluster-id", 2, 0, List.of());

  private Vertx vertx;
  /** What router m was passed on. */
  private final BlockingQueue<RoomCommand.Post> atM = new LinkedBlockingQueue<>();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BusCodecs.register(vertx.eventBus());
    // Router m answers hellos with its directory, and accepts the posts passed on to it as the room's owner.
    vertx.eventBus().consumer(Addresses.router("m"), msg -> {
      if (msg.body() instanceof PeerMessage.Hello) {
        msg.reply(M);
      } else if (msg.body() instanceof RoomCommand.Post p) {
        atM.add(p);
        msg.reply(new Reply.Accepted(p.id(), 4242, 1));
      }
    }).completion().await(10, TimeUnit.SECONDS);
    Membership membership = new Membership() {
      @Override
      public String self() {
        return "local";
      }

      @Override
      public boolean alive(String nodeId) {
        return nodeId.equals("local") || nodeId.equals("m-cluster-id");
      }

      @Override
      public Collection<String> nodes() {
        return List.of("local", "m-cluster-id");
      }

      @Override
      public Runnable onLeft(Runnable handler) {
        return () -> { };
      }
    };
    ChatbusConfig config = ChatbusConfig.parse(new JsonObject()
      .put("persistence", new JsonObject().put("store", "none")));
    vertx.deployVerticle(new RoomRouterVerticle(config.withNodeName("n").router(), 1, membership, NodeMetrics.disabled(),
      new RegisteredRooms(), new RegisteredNames(), new ClosedRooms(), new ServerBans())).await(10, TimeUnit.SECONDS);
  }

  /**
   * Router a, which has not met m yet (back from a partition, say), names n the owner of a room that n, having
   * met m (and sees the whole network: a router on each of the cluster's nodes), names m the owner of: n
   * passes a's post on to m within a moment, rather than wait to own the room itself and, after 15 s,
   * refuse it as "the network is changing".
   */
  @Test
  void whatARouterBehindPassesOnGoesToTheOwnerThisOneHasJustMet() throws Exception {
    vertx.eventBus().request(ROUTER, new PeerMessage.Hello(M)).await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> ((Reply.Census) vertx.eventBus()
      .request(ROUTER, new SessionCommand.Census()).await(10, TimeUnit.SECONDS).body()).nodes() == 2);
    Ring ring = Ring.of("n").with("m");
    String room = "room0";
    for (int i = 0; !ring.owner(room).equals("m"); i++) {
      room = "room" + i;
    }
    String id = new MessageIds(7).next(System.currentTimeMillis());
    RoomCommand.Post fromA = new RoomCommand.Post(room, 1, "alice", "alice@a", "said on a", RoomEvent.Kind.MESSAGE,
      true, id, false, true);

    Reply answer = vertx.eventBus().<Reply>request(ROUTER, fromA).await(5, TimeUnit.SECONDS).body();

    assertThat(answer).isEqualTo(new Reply.Accepted(id, 4242, 1));
    RoomCommand.Post passed = atM.poll(1, TimeUnit.SECONDS);
    assertThat(passed).isNotNull();
    assertThat(passed.text()).isEqualTo("said on a");
    assertThat(passed.forwarded()).isTrue();
  }
}
