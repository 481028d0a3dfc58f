package dev.chatbus.room;

import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.BusCodecs;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.support.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The outbox on a real event bus, with the test as its persistence worker: batches are requests that the
 * worker answers once written or fails once dropped, and acknowledgements and unstored events follow them.
 */
@ExtendWith(VertxExtension.class)
class OutboxTest {

  private static final String ACKS = "test.acks";

  private Vertx vertx;
  /** The outbox's own context, as the router's would be. */
  private Context context;
  private Outbox outbox;
  /** What reached the worker's address, answered by the test. */
  private final BlockingQueue<Message<Persist>> worker = new LinkedBlockingQueue<>();
  private long seq;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BusCodecs.register(vertx.eventBus());
    vertx.eventBus().<Persist>consumer(Addresses.persist("n"), msg -> {
      if (msg.body() instanceof Persist.Sync) {
        msg.reply(msg.body());
      } else {
        worker.add(msg);
      }
    }).completion().await(10, TimeUnit.SECONDS);
    context = vertx.getOrCreateContext();
    start(new JsonObject().put("maxEvents", 100).put("maxDelay", "0ms"));
    // A client's request whose answer the outbox holds until its event is stored.
    on(() -> vertx.eventBus().<String>consumer(ACKS, msg -> {
      RoomEvent e = event("rust");
      outbox.add(e);
      outbox.ackWhenStored(msg, new Reply.Accepted(e.id(), e.seq(), e.ts()), post(e));
      outbox.added();
    }).completion()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void start(JsonObject batch) throws Exception {
    ChatbusConfig.Persistence config = ChatbusConfig.parse(new JsonObject()
      .put("persistence", new JsonObject().put("store", "postgresql").put("batch", batch))).persistence();
    outbox = on(() -> new Outbox(vertx, "n", config));
  }

  private <T> T on(Supplier<T> action) throws Exception {
    return OnContext.call(context, action);
  }

  private RoomEvent event(String room) {
    long s = ++seq;
    return new RoomEvent(RoomEvent.Kind.MESSAGE, room, s, "id" + s, 1_000 + s, 1, "alice", "line " + s, 1);
  }

  private static RoomCommand.Post post(RoomEvent e) {
    return new RoomCommand.Post(e.room(), e.senderSession(), e.from(), null, e.text(), e.kind(), true, e.id(), false, false);
  }

  private Future<Object> say() {
    return vertx.eventBus().request(ACKS, "say").map(Message::body);
  }

  private Message<Persist> nextBatch() throws InterruptedException {
    Message<Persist> batch = worker.poll(10, TimeUnit.SECONDS);
    assertThat(batch).as("a batch").isNotNull();
    return batch;
  }

  private List<RoomEvent> unstored(String room) throws Exception {
    return on(() -> outbox.unstored(new Persist.Query(room, 100, -1, Long.MAX_VALUE, false)));
  }

  @Test
  void anAcknowledgementWaitsUntilItsBatchIsAnsweredStored() throws Exception {
    Future<Object> ack = say();
    Message<Persist> batch = nextBatch();
    assertThat(((Persist.Batch) batch.body()).events()).extracting(RoomEvent::text).containsExactly("line 1");
    assertThat(unstored("rust")).extracting(RoomEvent::seq).containsExactly(1L);
    assertThat(on(() -> outbox.settled("rust"))).isFalse();
    assertThat(ack.isComplete()).isFalse();

    batch.reply(null);
    Reply.Accepted accepted = (Reply.Accepted) ack.await(10, TimeUnit.SECONDS);
    assertThat(accepted.seq()).isEqualTo(1);
    assertThat(unstored("rust")).isEmpty();
    assertThat(on(() -> outbox.settled("rust"))).isTrue();
  }

  @Test
  void aBatchTheWorkerDroppedFailsItsAcknowledgementsNotStoredAndLeavesItsRoomUnsettled() throws Exception {
    Future<Object> lost = say();
    nextBatch().fail(ErrorCode.NOT_STORED.code(), "dropped");
    assertThatThrownBy(() -> lost.await(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ReplyException.class,
      e -> assertThat(e.failureCode()).isEqualTo(ErrorCode.NOT_STORED.code()));
    assertThat(unstored("rust")).isEmpty();
    // A dropped number is in the store only once a later write has recorded it.
    assertThat(on(() -> outbox.settled("rust"))).isFalse();

    Future<Object> kept = say();
    nextBatch().reply(null);
    kept.await(10, TimeUnit.SECONDS);
    assertThat(on(() -> outbox.settled("rust"))).isTrue();
  }

  @Test
  void batchesAreAnsweredInOrderAndEachReleasesOnlyItsOwn() throws Exception {
    Future<Object> first = say();
    Message<Persist> one = nextBatch();
    Future<Object> second = say();
    Message<Persist> two = nextBatch();
    assertThat(unstored("rust")).extracting(RoomEvent::seq).containsExactly(1L, 2L);

    one.reply(null);
    first.await(10, TimeUnit.SECONDS);
    assertThat(unstored("rust")).extracting(RoomEvent::seq).containsExactly(2L);
    assertThat(second.isComplete()).isFalse();
    two.reply(null);
    second.await(10, TimeUnit.SECONDS);
    assertThat(unstored("rust")).isEmpty();
  }

  @Test
  void eventsGatherIntoOneBatchUntilItIsFull() throws Exception {
    start(new JsonObject().put("maxEvents", 3).put("maxDelay", "1h"));
    on(() -> {
      for (int i = 0; i < 3; i++) {
        outbox.add(event(i == 1 ? "go" : "rust"));
        outbox.added();
      }
      return null;
    });
    Persist.Batch batch = (Persist.Batch) nextBatch().body();
    assertThat(batch.events()).extracting(RoomEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(unstored("go")).extracting(RoomEvent::seq).containsExactly(2L);
  }

  /**
   * Events the store refused because another router claimed their room (this one was paused or cut off):
   * the router stops numbering the room, a post whose sender waits is carried out again and answered from
   * where the room is now, and one whose sender waits for nothing is said again there.
   */
  @Test
  void postsTheStoreRefusedAreCarriedOutAgainWhereTheRoomIsNow() throws Exception {
    List<String> fenced = new CopyOnWriteArrayList<>();
    List<String> again = new CopyOnWriteArrayList<>();
    on(() -> {
      outbox.onFenced((room, epoch) -> fenced.add(room + " " + epoch), new Outbox.Refused() {
        @Override
        public void answerAgain(RouterMessage op, Message<?> request) {
          again.add(((RoomCommand.Post) op).text() + " answered");
          request.reply(new Reply.Accepted(((RoomCommand.Post) op).id(), 40, 2_000));
        }

        @Override
        public void postAgain(RoomEvent post) {
          again.add(post.text() + " said");
        }
      });
      return null;
    });
    Future<Object> ack = say();
    Message<Persist> first = nextBatch();
    on(() -> {
      outbox.add(event("rust"));
      outbox.add(event("go"));
      outbox.added();
      return null;
    });
    Message<Persist> second = nextBatch();
    first.reply(new Persist.Fenced(Map.of("rust", 2L)));
    assertThat(((Reply.Accepted) ack.await(10, TimeUnit.SECONDS)).seq()).isEqualTo(40);
    second.reply(new Persist.Fenced(Map.of("rust", 2L)));
    await().atMost(Duration.ofSeconds(10)).until(() -> again.size() == 2);
    assertThat(again).containsExactly("line 1 answered", "line 2 said");
    assertThat(fenced).containsExactly("rust 2", "rust 2");
    assertThat(unstored("rust")).isEmpty();
  }

  @Test
  void drainingAnswersWhatTheStoreDidNotTakeWithinTheGraceNotStored() throws Exception {
    Future<Object> ack = say();
    nextBatch();
    Future<Void> drained = on(() -> outbox.drain(Duration.ofMillis(50)));
    drained.await(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> ack.await(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ReplyException.class,
      e -> assertThat(e.failureCode()).isEqualTo(ErrorCode.NOT_STORED.code()));
  }
}
