package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.account.ServerBans;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.BusCodecs;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.cluster.Membership;
import dev.chatbus.cluster.Ring;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
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
  /** The rooms router m was asked whether it owns. */
  private final BlockingQueue<String> ownsAsked = new LinkedBlockingQueue<>();
  /** Whether router m answers, or is cut off from n since the cluster last looked. */
  private volatile boolean answering = true;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BusCodecs.register(vertx.eventBus());
    // Router m answers hellos with its directory, and accepts the posts passed on to it as the room's owner.
    vertx.eventBus().consumer(Addresses.router("m"), msg -> {
      if (msg.body() instanceof PeerMessage.Hello) {
        msg.reply(M);
      } else if (msg.body() instanceof PeerMessage.Owns o) {
        ownsAsked.add(o.room());
        if (answering) {
          msg.reply(new Reply.Done());
        }
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
    RoomCommand.Post fromA = postFromA(meetM());

    Reply answer = vertx.eventBus().<Reply>request(ROUTER, fromA).await(5, TimeUnit.SECONDS).body();

    assertThat(answer).isEqualTo(new Reply.Accepted(fromA.id(), 4242, 1));
    RoomCommand.Post passed = atM.poll(1, TimeUnit.SECONDS);
    assertThat(passed).isNotNull();
    assertThat(passed.text()).isEqualTo("said on a");
    assertThat(passed.forwarded()).isTrue();
  }

  /**
   * Router a found m gone before n did, and names n the owner of m's room: n, which still counts m (met a
   * moment ago, and cut off since), asks m whether it owns the room, hears nothing, and holds a's post until
   * m is out of its network too; then it carries it out itself. Passed on to m, the post would wait there until
   * asked again of n, behind what a passed on after it.
   */
  @Test
  void whatARouterAheadPassesOnWaitsHereWhenTheOwnerDoesNotAnswer() throws Exception {
    RoomCommand.Post fromA = postFromA(meetM());
    answering = false;

    Future<Message<Reply>> answer = vertx.eventBus().request(ROUTER, fromA);

    assertThat(ownsAsked.poll(5, TimeUnit.SECONDS)).isEqualTo(fromA.room());
    assertThat(ownsAsked.poll(5, TimeUnit.SECONDS)).as("asked again, the first time unanswered").isEqualTo(fromA.room());
    assertThat(atM).isEmpty();
    // m leaves n's network (here it says goodbye; cut off, n's cluster would find its node gone).
    vertx.eventBus().send(ROUTER, new PeerMessage.Bye("m", List.of()));
    // n carries it out as the room's owner: alice, whom no one here has put in the room, is not in it.
    Throwable carriedOut = answer.toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(5, TimeUnit.SECONDS);
    assertThat(ErrorCode.ofRefusal(carriedOut)).isEqualTo(ErrorCode.NOT_IN_ROOM);
    assertThat(atM).isEmpty();
  }

  /** Router n meets m; returns a room that m owns in the ring of the two. */
  private String meetM() throws Exception {
    vertx.eventBus().request(ROUTER, new PeerMessage.Hello(M)).await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> ((Reply.Census) vertx.eventBus()
      .request(ROUTER, new SessionCommand.Census()).await(10, TimeUnit.SECONDS).body()).nodes() == 2);
    Ring ring = Ring.of("n").with("m");
    String room = "room0";
    for (int i = 0; !ring.owner(room).equals("m"); i++) {
      room = "room" + i;
    }
    return room;
  }

  /** A durable post of alice's, on node a, that router a passed on to n as the owner of {@code room}. */
  private static RoomCommand.Post postFromA(String room) {
    return new RoomCommand.Post(room, 1, "alice", "alice@a", "said on a", RoomEvent.Kind.MESSAGE, true,
      new MessageIds(7).next(System.currentTimeMillis()), false, true);
  }
}
