package dev.chatbus.room;

import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.BusCodecs;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RoomRules;
import dev.chatbus.cluster.Membership;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.support.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Taking rooms up and giving them away, on a real event bus, with the test as the store: its worker
 * (claims of new epochs) and its reader (looks at where this run got to in a room it set aside).
 */
@ExtendWith(VertxExtension.class)
class TakeOverTest {

  private static final String RUN = "n/run";
  private static final String RELEASES = "test.releases";
  private static final Reply.Directory M = new Reply.Directory("m", "m-cluster-id", 2, 0, List.of());

  private Vertx vertx;
  private Context context;
  private TakeOver takeOver;
  private Directory directory;
  private Outbox outbox;
  private Peers peers;
  /** The cluster ids of the nodes the cluster counts as members. */
  private final Set<String> alive = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Message<Persist>> claims = new LinkedBlockingQueue<>();
  private final BlockingQueue<Message<Persist>> looks = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BusCodecs.register(vertx.eventBus());
    vertx.eventBus().<Persist>consumer(Addresses.persist("n"), claims::add).completion().await(10, TimeUnit.SECONDS);
    vertx.eventBus().<Persist>consumer(Addresses.reader("n", 0), looks::add).completion().await(10, TimeUnit.SECONDS);
    context = vertx.getOrCreateContext();
    takeOver = take("postgresql");
    on(() -> vertx.eventBus().<PeerMessage.Release>consumer(RELEASES, msg -> takeOver.release(msg.body(), msg)).completion())
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private TakeOver take(String store) throws Exception {
    ChatbusConfig.Persistence config = ChatbusConfig.parse(new JsonObject()
      .put("persistence", new JsonObject().put("store", store))).persistence();
    // Router m answers this one's hello with its (empty) directory, and is met once it has; then it goes
    // quiet, as a router that has stopped listening, whose releases count as answered.
    MessageConsumer<Object> m = vertx.eventBus().consumer(Addresses.router("m"), msg -> msg.reply(M));
    m.completion().await(10, TimeUnit.SECONDS);
    Peers[] made = new Peers[1];
    alive.addAll(List.of("local", "m-cluster-id"));
    on(() -> {
      directory = new Directory();
      // This node, and the node of router m, which asks for releases here and which this router has met.
      Membership membership = new Membership() {
        @Override
        public String self() {
          return "local";
        }

        @Override
        public boolean alive(String nodeId) {
          return alive.contains(nodeId);
        }

        @Override
        public Collection<String> nodes() {
          return List.copyOf(alive);
        }

        @Override
        public Runnable onLeft(Runnable handler) {
          return () -> { };
        }
      };
      PassedOn passedOn = new PassedOn(vertx);
      made[0] = new Peers("n", vertx, context, membership, directory, passedOn, Duration.ofSeconds(1), 1);
      made[0].onChanges(new Peers.Changes() {
        @Override
        public void left(String other, List<Member> members, String reason) {
        }

        @Override
        public void handedOver(List<PeerMessage.Handover> rooms) {
        }

        @Override
        public void quorumLost() {
        }

        @Override
        public void met(String other, List<Member> members, List<Member> gone) {
        }

        @Override
        public void metAgain(String other) {
        }
      });
      made[0].onHello(new PeerMessage.Hello(M));
      return null;
    });
    peers = made[0];
    await().atMost(Duration.ofSeconds(10)).until(() -> on(() -> peers.otherNodes().contains("m")));
    m.unregister().await(10, TimeUnit.SECONDS);
    return on(() -> {
      outbox = new Outbox(vertx, "n", config);
      Readers readers = new Readers(vertx.eventBus(), "n", 1, 10, () -> true);
      return new TakeOver("n", RUN, vertx, peers, directory, outbox, readers, NodeMetrics.disabled(),
        Duration.ofMillis(1), new RegisteredRooms());
    });
  }

  private <T> T on(Supplier<T> action) throws Exception {
    return OnContext.call(context, action);
  }

  private static <T extends Persist> T next(BlockingQueue<Message<Persist>> queue, Class<T> type) throws InterruptedException {
    Message<Persist> msg = queue.poll(10, TimeUnit.SECONDS);
    assertThat(msg).as("a " + type.getSimpleName()).isNotNull();
    assertThat(msg.body()).isInstanceOf(type);
    return type.cast(msg.body());
  }

  /** Answers the next look: this run has not numbered {@code room} before. */
  private void lookFindsNothing() throws InterruptedException {
    Message<Persist> look = looks.poll(10, TimeUnit.SECONDS);
    assertThat(look).isNotNull();
    Persist.Look l = (Persist.Look) look.body();
    assertThat(l.run()).isEqualTo(RUN);
    look.reply(new Persist.Claimed(l.room(), 0, 0));
  }

  /** {@code room}, taken up here in {@code epoch} from {@code seq}. */
  private OwnedRoom takenUp(String room, long epoch, long seq) throws Exception {
    Future<OwnedRoom> opened = on(() -> takeOver.open(room));
    lookFindsNothing();
    claims.poll(10, TimeUnit.SECONDS).reply(new Persist.Claimed(room, epoch, seq));
    return opened.await(10, TimeUnit.SECONDS);
  }

  @Test
  void aRoomIsTakenUpInANewEpochGoingOnFromWhereTheStoreSaysItGotTo() throws Exception {
    Future<OwnedRoom> opened = on(() -> takeOver.open("rust"));
    lookFindsNothing();
    Message<Persist> claim = claims.poll(10, TimeUnit.SECONDS);
    assertThat(claim.body()).isEqualTo(new Persist.Claim("rust", 1, RUN));
    claim.reply(new Persist.Claimed("rust", 7, 41));
    OwnedRoom room = opened.await(10, TimeUnit.SECONDS);
    assertThat(room.epoch).isEqualTo(7);
    assertThat(room.seq()).isEqualTo(41);
    assertThat(on(() -> takeOver.held("rust"))).isSameAs(room);
  }

  @Test
  void aRoomThisRunSetAsideGoesOnInItsOwnEpochWithoutANewClaim() throws Exception {
    Future<OwnedRoom> opened = on(() -> takeOver.open("rust"));
    Message<Persist> look = looks.poll(10, TimeUnit.SECONDS);
    look.reply(new Persist.Claimed("rust", 3, 12));
    OwnedRoom room = opened.await(10, TimeUnit.SECONDS);
    assertThat(room.epoch).isEqualTo(3);
    assertThat(room.seq()).isEqualTo(12);
    assertThat(claims).isEmpty();
  }

  @Test
  void everyCommandWaitingForARoomWaitsForTheSameTakeOver() throws Exception {
    Future<OwnedRoom> first = on(() -> takeOver.open("rust"));
    Future<OwnedRoom> second = on(() -> takeOver.open("rust"));
    assertThat(second).isSameAs(first);
    assertThat(on(() -> takeOver.opening("rust"))).isTrue();
    lookFindsNothing();
    claims.poll(10, TimeUnit.SECONDS).reply(new Persist.Claimed("rust", 1, 0));
    first.await(10, TimeUnit.SECONDS);
    assertThat(on(() -> takeOver.opening("rust"))).isFalse();
    assertThat(claims).isEmpty();
  }

  @Test
  void whereAStoppedRouterGotToIsGoneOnFromInTheNextEpoch() throws Exception {
    on(() -> {
      takeOver.keepAll(List.of(new PeerMessage.Handover("rust", 5, 30, List.of(), null, RoomRules.NEW)));
      return null;
    });
    on(() -> takeOver.open("rust"));
    // A room someone handed over is claimed anew: no look at this run's own epochs.
    assertThat(next(claims, Persist.Claim.class).atLeast()).isEqualTo(6);
    assertThat(looks).isEmpty();
  }

  @Test
  void whenTheStoreCannotRecordTheEpochTheNumberingGoesOnFromTheLastOwner() throws Exception {
    on(() -> {
      takeOver.keep("rust", new PeerMessage.Handover("rust", 5, 30, List.of(), null, RoomRules.NEW));
      return null;
    });
    Future<OwnedRoom> opened = on(() -> takeOver.open("rust"));
    claims.poll(10, TimeUnit.SECONDS).fail(ErrorCode.INTERNAL.code(), "the store is unavailable");
    OwnedRoom room = opened.await(10, TimeUnit.SECONDS);
    assertThat(room.epoch).isEqualTo(6);
    assertThat(room.seq()).isEqualTo(30);
  }

  @Test
  void withoutALastOwnerAFailedClaimLeavesTheRoomNotTakenUp() throws Exception {
    Future<OwnedRoom> opened = on(() -> takeOver.open("rust"));
    lookFindsNothing();
    claims.poll(10, TimeUnit.SECONDS).fail(ErrorCode.INTERNAL.code(), "the store is unavailable");
    assertThatThrownBy(() -> opened.await(10, TimeUnit.SECONDS)).hasMessageContaining("the store is unavailable");
    assertThat(on(() -> takeOver.held("rust"))).isNull();
  }

  @Test
  void aReleasedRoomIsGivenUpWithWhereItGotTo() throws Exception {
    OwnedRoom room = takenUp("rust", 2, 9);
    on(() -> {
      room.enter(1, "m", "alice", "text@m");
      room.nextSeq();
      return null;
    });
    Reply.Released released = (Reply.Released) vertx.eventBus()
      .request(RELEASES, new PeerMessage.Release("rust", "m")).await(10, TimeUnit.SECONDS).body();
    assertThat(released.last()).isEqualTo(new PeerMessage.Handover("rust", 2, 10, List.of("m"), null, RoomRules.NEW));
    assertThat(on(() -> takeOver.held("rust"))).isNull();
    // Asked again, it has nothing to give.
    released = (Reply.Released) vertx.eventBus().request(RELEASES, new PeerMessage.Release("rust", "m"))
      .await(10, TimeUnit.SECONDS).body();
    assertThat(released.last()).isNull();
  }

  /**
   * What the router numbered in a room it gives up is written before it says where it got to: the next
   * owner claims the room once told, and a claim before the write would fence it.
   */
  @Test
  void aRoomIsGivenUpOnceWhatWasNumberedInItIsWritten() throws Exception {
    OwnedRoom room = takenUp("rust", 2, 9);
    on(() -> {
      room.enter(1, "m", "alice", "text@m");
      outbox.add(new RoomEvent(RoomEvent.Kind.MESSAGE, "rust", room.nextSeq(), "id-10", 0, 1, "alice", "hello", room.epoch,
        "text@m", null, 0));
      return null;
    });
    Future<Message<Object>> released = vertx.eventBus().request(RELEASES, new PeerMessage.Release("rust", "m"));
    Message<Persist> batch = claims.poll(10, TimeUnit.SECONDS);
    assertThat(batch.body()).isInstanceOf(Persist.Batch.class);
    assertThat(((Persist.Batch) batch.body()).events()).extracting(RoomEvent::id).containsExactly("id-10");
    assertThatThrownBy(() -> released.await(500, TimeUnit.MILLISECONDS)).as("answered before the write")
      .isInstanceOf(TimeoutException.class);
    batch.reply(null);
    assertThat(((Reply.Released) released.await(10, TimeUnit.SECONDS).body()).last())
      .isEqualTo(new PeerMessage.Handover("rust", 2, 10, List.of("m"), null, RoomRules.NEW));
  }

  /**
   * A router this one does not count in the network (one the cluster found dead, paused or cut off) takes
   * no room from it: its release is refused as retryable, and the room stays here.
   */
  @Test
  void aRouterOutsideTheNetworkTakesNoRoom() throws Exception {
    OwnedRoom room = takenUp("rust", 2, 9);
    Throwable refused = vertx.eventBus().request(RELEASES, new PeerMessage.Release("rust", "x"))
      .toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(10, TimeUnit.SECONDS);
    assertThat(ErrorCode.ofRefusal(refused)).isEqualTo(ErrorCode.RETRY);
    assertThat(on(() -> takeOver.held("rust"))).isSameAs(room);
  }

  /**
   * Router m, cut off (the cluster found its node gone), is back in the cluster but not met again: it may
   * still number the room, and its users are not known here. The room is taken up only once m is met again,
   * and has released it.
   */
  @Test
  void aRoomIsNotTakenUpWhileARouterBackInTheClusterIsNotMetAgain() throws Exception {
    alive.remove("m-cluster-id");
    on(() -> {
      peers.nodesLeft();
      return null;
    });
    assertThat(on(() -> peers.otherNodes())).isEmpty();
    alive.add("m-cluster-id");

    Future<OwnedRoom> opened = on(() -> takeOver.open("rust"));

    assertThat(looks.poll(1, TimeUnit.SECONDS)).as("a look at the store before m is met again").isNull();
    BlockingQueue<PeerMessage.Release> released = new LinkedBlockingQueue<>();
    vertx.eventBus().consumer(Addresses.router("m"), msg -> {
      if (msg.body() instanceof PeerMessage.Release r) {
        released.add(r);
        msg.reply(new Reply.Released(null));
      } else {
        msg.reply(M);
      }
    }).completion().await(10, TimeUnit.SECONDS);
    on(() -> peers.onHello(new PeerMessage.Hello(M)));
    assertThat(released.poll(10, TimeUnit.SECONDS)).isEqualTo(new PeerMessage.Release("rust", "n"));
    lookFindsNothing();
    claims.poll(10, TimeUnit.SECONDS).reply(new Persist.Claimed("rust", 3, 0));
    assertThat(opened.await(10, TimeUnit.SECONDS).epoch).isEqualTo(3);
  }

  @Test
  void roomsNoOneUsesAreSetAsideAndEveryRoomIsHandedOverOnStopping() throws Exception {
    takeOver = take("none");
    OwnedRoom empty = on(() -> takeOver.open("empty")).await(10, TimeUnit.SECONDS);
    OwnedRoom used = on(() -> takeOver.open("used")).await(10, TimeUnit.SECONDS);
    on(() -> {
      used.enter(1, "n", "alice", "text@n");
      takeOver.evictIdle(System.currentTimeMillis() + 1_000);
      return null;
    });
    assertThat(on(() -> takeOver.held("empty"))).isNull();
    assertThat(on(() -> takeOver.held("used"))).isSameAs(used);
    // Without a store, the time stands in for the epoch, which never goes back.
    assertThat(empty.epoch).isGreaterThan(1_000_000_000_000L);

    List<PeerMessage.Handover> handed = on(() -> takeOver.handAllOver(Duration.ofSeconds(1))).await(10, TimeUnit.SECONDS);
    assertThat(handed).containsExactly(new PeerMessage.Handover("used", used.epoch, 0, List.of("n"), null, RoomRules.NEW));
    assertThat(on(() -> takeOver.held())).isEmpty();
  }
}
