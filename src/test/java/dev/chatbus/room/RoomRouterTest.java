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
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.persist.EventStore;
import dev.chatbus.persist.HistoryReaderVerticle;
import dev.chatbus.persist.JdbcEventStore;
import dev.chatbus.persist.PersistenceVerticle;
import dev.chatbus.support.TestNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The router on a real event bus, driven with the commands an edge sends. */
@ExtendWith(VertxExtension.class)
class RoomRouterTest {

  private static final String ROUTER = Addresses.router("n");
  private Vertx vertx;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BusCodecs.register(vertx.eventBus());
    ChatbusConfig config = ChatbusConfig.parse(new JsonObject().put("persistence",
      new JsonObject().put("embedded", new JsonObject().put("path", TestNode.freshStorePath())).put("readers", 1))
      .put("shutdown", new JsonObject().put("grace", "1s")));
    EventStore store = JdbcEventStore.open(config.persistence());
    NodeMetrics metrics = NodeMetrics.disabled();
    vertx.deployVerticle(new PersistenceVerticle("n", config.persistence(), Duration.ofSeconds(1), store, metrics),
      new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new HistoryReaderVerticle("n", 0, store), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
      .await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new RoomRouterVerticle(config.withNodeName("n").router(), 1, Membership.of(vertx, null), metrics,
      new RegisteredRooms(), new RegisteredNames(), new ClosedRooms(), new ServerBans())).await(10, TimeUnit.SECONDS);
  }

  private Reply ask(SessionCommand cmd) throws Exception {
    return vertx.eventBus().<Reply>request(ROUTER, cmd).await(10, TimeUnit.SECONDS).body();
  }

  private BlockingQueue<RoomEvent> watch(String room) throws Exception {
    BlockingQueue<RoomEvent> events = new LinkedBlockingQueue<>();
    vertx.eventBus().<RoomEvent>consumer(Addresses.room(room), m -> events.add(m.body())).completion().await(10, TimeUnit.SECONDS);
    return events;
  }

  private static RoomEvent next(BlockingQueue<RoomEvent> events) throws InterruptedException {
    RoomEvent e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10s").isNotNull();
    return e;
  }

  private Reply.LoggedIn login(long session, String name) throws Exception {
    return (Reply.LoggedIn) ask(new SessionCommand.Login(session, name, "edge", "test", "lobby", "text", name, false, null));
  }

  @Test
  void aMessageSentWithoutWaitingIsRefusedToTheSessionsEdge() throws Exception {
    BlockingQueue<Reply.Refused> refusals = new LinkedBlockingQueue<>();
    vertx.eventBus().<Reply.Refused>consumer("edge", m -> refusals.add(m.body())).completion().await(10, TimeUnit.SECONDS);
    BlockingQueue<RoomEvent> lobby = watch("lobby");
    login(1, "alice");
    vertx.eventBus().send(ROUTER, new SessionCommand.Say(1, "rust", "not there", RoomEvent.Kind.MESSAGE, false));
    vertx.eventBus().send(ROUTER, new SessionCommand.Say(1, "lobby", "here", RoomEvent.Kind.MESSAGE, false));
    Reply.Refused refused = refusals.poll(10, TimeUnit.SECONDS);
    assertThat(refused).isEqualTo(new Reply.Refused(1, ErrorCode.NOT_IN_ROOM.code(), "you are not in #rust", "rust", false));
    assertThat(next(lobby).kind()).isEqualTo(RoomEvent.Kind.JOIN);
    assertThat(next(lobby).text()).isEqualTo("here");
  }

  /**
   * A text line another router relayed here, turned down, is told in the relay's answer, for the relaying
   * router to tell its client while it still waits for it; not to the sender's node straight away, which
   * would tell it even when the relaying router had asked the relay again of another owner.
   */
  @Test
  void aRelayedPostTurnedDownIsToldInTheRelaysAnswer() throws Exception {
    BlockingQueue<Reply.Refused> refusals = new LinkedBlockingQueue<>();
    vertx.eventBus().<Reply.Refused>consumer("edge", m -> refusals.add(m.body())).completion().await(10, TimeUnit.SECONDS);
    login(1, "alice");
    RoomCommand.Post notIn = new RoomCommand.Post("rust", 1, "alice", "alice@test", "not there", RoomEvent.Kind.MESSAGE,
      false, new MessageIds(7).next(System.currentTimeMillis()), false, true);

    Reply answer = vertx.eventBus().<Reply>request(ROUTER, new PeerMessage.Relay(List.of(notIn))).await(10, TimeUnit.SECONDS)
      .body();

    Reply.Refused refused = new Reply.Refused(1, ErrorCode.NOT_IN_ROOM.code(), "you are not in #rust", "rust", false);
    assertThat(answer).isEqualTo(new Reply.Relayed(List.of(refused)));
    // A line of alice's own, turned down, does go to her node: the first refusal there is that one.
    vertx.eventBus().send(ROUTER, new SessionCommand.Say(1, "go", "not there either", RoomEvent.Kind.MESSAGE, false));
    assertThat(refusals.poll(10, TimeUnit.SECONDS)).isEqualTo(new Reply.Refused(1, ErrorCode.NOT_IN_ROOM.code(),
      "you are not in #go", "go", false));
  }

  /**
   * A post another router passed on that arrives late (held in a connection while the network was cut, and
   * asked again of the room's next owner by its sender meanwhile) is looked for by its id before it is
   * numbered: carried out once, however many times it arrives.
   */
  @Test
  void aPostThatArrivesLateIsCarriedOutOnceHoweverOftenItComes() throws Exception {
    BlockingQueue<RoomEvent> lobby = watch("lobby");
    login(1, "alice");
    assertThat(next(lobby).kind()).isEqualTo(RoomEvent.Kind.JOIN);
    String id = new MessageIds(7).next(System.currentTimeMillis() - 60_000);
    RoomCommand.Post late = new RoomCommand.Post("lobby", 1, "alice", "alice@test", "held up", RoomEvent.Kind.MESSAGE,
      true, id, false, true);
    Reply.Accepted first = (Reply.Accepted) vertx.eventBus().<Reply>request(ROUTER, late).await(10, TimeUnit.SECONDS).body();
    Reply.Accepted second = (Reply.Accepted) vertx.eventBus().<Reply>request(ROUTER, late).await(10, TimeUnit.SECONDS).body();
    assertThat(second).isEqualTo(first);
    ask(new SessionCommand.Say(1, "lobby", "after", RoomEvent.Kind.MESSAGE, true));
    assertThat(next(lobby).text()).isEqualTo("held up");
    assertThat(next(lobby).text()).isEqualTo("after");
  }

  @Test
  void aRoomThatEmptiesKeepsCountingFromWhereItWas() throws Exception {
    BlockingQueue<RoomEvent> rust = watch("rust");
    login(1, "alice");
    Reply.Joined first = (Reply.Joined) ask(new SessionCommand.Join(1, "rust", null, null));
    ask(new SessionCommand.Say(1, "rust", "hello", RoomEvent.Kind.MESSAGE, false));
    ask(new SessionCommand.Leave(1, "rust", null));
    assertThat(List.of(next(rust).seq(), next(rust).seq(), next(rust).seq())).containsExactly(first.seq(), first.seq() + 1, first.seq() + 2);
    ask(new SessionCommand.Who(1, "lobby"));
    assertThatThrownBy(() -> ask(new SessionCommand.Who(1, "rust"))).isInstanceOf(ReplyException.class)
      .extracting(e -> ((ReplyException) e).failureCode()).isEqualTo(ErrorCode.NO_SUCH_ROOM.code());

    Reply.Joined again = (Reply.Joined) ask(new SessionCommand.Join(1, "rust", null, null));
    assertThat(again.seq()).isEqualTo(first.seq() + 3);
    assertThat(next(rust).seq()).isEqualTo(first.seq() + 3);
  }

  @Test
  void memberListsAreCappedButCountEveryone() throws Exception {
    int n = Reply.LIST_LIMIT + 5;
    Reply.LoggedIn last = null;
    for (int i = 0; i < n; i++) {
      last = login(i + 1, "u" + i);
    }
    assertThat(last.joined().roster().count()).isEqualTo(n);
    assertThat(last.joined().roster().names()).hasSize(Reply.LIST_LIMIT).startsWith("u0", "u1");
    Reply.Members who = (Reply.Members) ask(new SessionCommand.Who(1, "#LOBBY"));
    assertThat(who.roster().count()).isEqualTo(n);
    assertThat(who.roster().names()).hasSize(Reply.LIST_LIMIT);
  }

  @Test
  void aDisconnectLeavesEveryRoomWithTheReasonAndFreesTheName() throws Exception {
    BlockingQueue<RoomEvent> lobby = watch("lobby");
    BlockingQueue<RoomEvent> go = watch("go");
    login(1, "alice");
    ask(new SessionCommand.Join(1, "go", null, null));
    assertThat(next(lobby).kind()).isEqualTo(RoomEvent.Kind.JOIN);
    assertThat(next(go).kind()).isEqualTo(RoomEvent.Kind.JOIN);
    vertx.eventBus().send(ROUTER, new SessionCommand.Disconnect(1, "connection lost"));
    RoomEvent leftLobby = next(lobby);
    RoomEvent leftGo = next(go);
    assertThat(List.of(leftLobby.kind(), leftGo.kind())).as("leaving the server").containsOnly(RoomEvent.Kind.QUIT);
    assertThat(List.of(leftLobby.text(), leftGo.text())).containsOnly("connection lost");
    assertThat(login(2, "ALICE").name()).isEqualTo("ALICE");
  }

  @Test
  void aDisconnectForAnUnknownSessionChangesNothing() throws Exception {
    login(1, "alice");
    vertx.eventBus().send(ROUTER, new SessionCommand.Disconnect(99, "never logged in"));
    assertThat(((Reply.Members) ask(new SessionCommand.Who(1, "lobby"))).roster().names()).containsExactly("alice");
  }

  @Test
  void renamesAnnounceInEveryRoomAndMoveTheName() throws Exception {
    BlockingQueue<RoomEvent> lobby = watch("lobby");
    login(1, "alice");
    login(2, "bob");
    next(lobby);
    next(lobby);
    assertThatThrownBy(() -> ask(new SessionCommand.Rename(2, "ALICE"))).isInstanceOf(ReplyException.class)
      .extracting(e -> ((ReplyException) e).failureCode()).isEqualTo(ErrorCode.NAME_TAKEN.code());
    assertThat(((Reply.Renamed) ask(new SessionCommand.Rename(1, "Alicia"))).name()).isEqualTo("Alicia");
    RoomEvent rename = next(lobby);
    assertThat(rename.from()).isEqualTo("alice");
    assertThat(rename.text()).isEqualTo("Alicia");
    assertThat(login(3, "alice").name()).isEqualTo("alice");
  }
}
