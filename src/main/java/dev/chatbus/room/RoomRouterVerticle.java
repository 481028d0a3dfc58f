package dev.chatbus.room;

import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.account.ServerBans;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Member;
import dev.chatbus.bus.PeerMessage;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomCommand;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.RouterMessage;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.cluster.Membership;
import dev.chatbus.cluster.NameRegistry;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The room router of a node: the home of the node's sessions, and the one ordering point of the rooms
 * the node owns. Single instance, event-loop threaded; its parts share its context and touch their state
 * only from its consumer and timers, so nothing here needs a lock.
 * <p>
 * Consumes {@link RouterMessage}s on {@link Addresses#router}, in arrival order, and hands each to the
 * part whose job it is: a {@link SessionCommand} to the {@link Home} of the node's sessions, a
 * {@link RoomCommand} to the {@link Owner} of the room, a {@link PeerMessage} to {@link Peers} (or, for a
 * release, to {@link TakeOver}). It answers each request with a {@link Reply}, or fails it with an
 * {@link ErrorCode}, a {@link Refusal} thrown by a part becoming that failure.
 * <p>
 * {@code stop()} runs after the edges have stopped: it says goodbye to the other routers with where it
 * got to in its rooms, waits for what it passed on to be answered, sends the last batch and completes once
 * the worker has taken it.
 */
public final class RoomRouterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RoomRouterVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** How many times this node's names are claimed again after a partition, a second apart, until the registry answers. */
  private static final int CLAIM_AGAIN_TRIES = 30;

  private final String node;
  private final ChatbusConfig.Router config;
  private final NodeMetrics metrics;
  /** The node tag the cluster's counter gave; {@link #tag} is the one taken. */
  private final int tagHint;
  private volatile int tag;
  private final Membership membership;
  /** The registered rooms, as every node holds them. */
  private final RegisteredRooms registered;
  /** The names registered as accounts, which no service speaks as. */
  private final RegisteredNames registeredNames;
  /** The rooms server operators closed. */
  private final ClosedRooms closed;
  /** The addresses and names server operators banned. */
  private final ServerBans serverBans;
  /** How many rooms no one was in the clients of each address may still bring up. */
  private final RoomQuotas quotas;
  private Outbox outbox;
  private PassedOn passedOn;
  private Peers peers;
  private TakeOver takeOver;
  private Owner owner;
  private Home home;
  private Answers answers;
  private long evictTimer = -1;

  /**
   * @param nodeTag the bits that keep this node's message ids apart from other nodes', unless another router
   *                has them (see {@link #tag})
   */
  public RoomRouterVerticle(ChatbusConfig.Router config, int nodeTag, Membership membership, NodeMetrics metrics,
                            RegisteredRooms registered, RegisteredNames registeredNames, ClosedRooms closed,
                            ServerBans serverBans) {
    this.closed = closed;
    this.serverBans = serverBans;
    this.registered = registered;
    this.registeredNames = registeredNames;
    this.node = config.node();
    this.config = config;
    this.metrics = metrics;
    this.quotas = new RoomQuotas(config.rooms().maxCreatedPerMinute(), config.limits().spared());
    this.tagHint = nodeTag;
    this.membership = membership;
  }

  /** The 16 bits that keep this node's session ids and message ids apart from other nodes', once started. */
  public int tag() {
    return tag;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    ChatbusConfig.Persistence persistence = config.persistence();
    Directory directory = new Directory();
    Readers readers = new Readers(bus, node, persistence.readers(), persistence.maxWaitingReads(), metrics::storeUp);
    outbox = new Outbox(vertx, node, persistence);
    passedOn = new PassedOn(vertx);
    answers = new Answers(bus, directory);
    peers = new Peers(node, vertx, context, membership, directory, passedOn, config.discoverEvery(),
      vertx.isClustered() ? config.quorum() : 1);
    return (vertx.isClustered() ? peers.survey(tagHint) : Future.succeededFuture(tagHint))
      .compose(chosen -> start(bus, directory, readers, chosen));
  }

  private Future<?> start(EventBus bus, Directory directory, Readers readers, int chosen) {
    tag = chosen;
    // This run of this router, recorded with the epochs it claims (see TakeOver).
    String run = node + "/" + Long.toHexString(System.currentTimeMillis()) + "." + Integer.toHexString(tag);
    MessageIds ids = new MessageIds(tag);
    takeOver = new TakeOver(node, run, vertx, peers, directory, outbox, readers, metrics, config.rooms().evictAfter(),
      registered);
    owner = new Owner(node, vertx, peers, passedOn, takeOver, directory, outbox, readers, ids, answers,
      config.rooms(), config.history(), registered, config.persistence().store() != ChatbusConfig.Store.NONE, closed);
    outbox.onFenced(takeOver::fenced, owner.failOver().refused());
    peers.onChanges(new Peers.Changes() {
      @Override
      public void left(String other, List<Member> members, String reason) {
        owner.failOver().nodeGone(other, members, reason);
      }

      @Override
      public void handedOver(List<PeerMessage.Handover> rooms) {
        takeOver.keepAll(rooms);
      }

      @Override
      public void quorumLost() {
        takeOver.letGoAll();
      }

      @Override
      public void met(String other, List<Member> members, List<Member> gone) {
        owner.failOver().nodeMet(other, members, gone);
      }

      @Override
      public void metAgain(String other) {
        claimNamesAgain(CLAIM_AGAIN_TRIES);
      }
    });
    Future<?> ready = NameRegistry.of(vertx, membership, peers::holds).map(registry -> {
      home = new Home(node, bus, membership, registry, directory, peers, owner, outbox, ids, quotas, config.rooms(),
        config.naming(), registeredNames, config.operators(), serverBans, closed);
      peers.onHolds(home::holds);
      return null;
    });
    long every = Math.max(10, Math.min(10_000, config.rooms().evictAfter().toMillis() / 4));
    evictTimer = vertx.setPeriodic(every, id -> {
      long now = System.currentTimeMillis();
      takeOver.evictIdle(now);
      quotas.forgetFull(now);
    });
    Supplier<Future<?>> listening = () -> Future.all(bus.consumer(Addresses.router(node), this::onMessage).completion(),
      bus.<RoomEvent>consumer(Addresses.deliver(node), msg -> bus.publish(Addresses.room(msg.body().room()), msg.body(), LOCAL))
        .completion());
    return ready.compose(v -> vertx.isClustered() ? peers.join(listening).mapEmpty() : listening.get().mapEmpty());
  }

  /**
   * After a partition: this node's names claimed again, as the healed cluster holds them ({@link
   * Home#claimNamesAgain}); again a second later while the registry cannot answer (the cluster may still be
   * merging its two sides' maps).
   */
  private void claimNamesAgain(int tries) {
    if (home == null) {
      return;
    }
    home.claimNamesAgain().onFailure(err -> {
      if (tries > 1) {
        vertx.setTimer(1_000, id -> claimNamesAgain(tries - 1));
      } else {
        log.warn("the names of this node's sessions could not be claimed again after the network healed: {}",
          err.getMessage());
      }
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictTimer);
    return peers.leave().transform(ar -> {
      if (!peers.others()) {
        return passedOn.allAnswered(config.grace());
      }
      // The rooms go to their next owners with where their numbering got to, so it goes on without a gap
      // or a number given twice, once what was numbered is written (or the grace is over): a next owner's
      // claim would fence what came after it. Commands for them that still come here are passed on.
      return takeOver.handAllOver(config.grace()).compose(rooms -> {
        peers.tellOthers(new PeerMessage.Bye(node, rooms));
        return passedOn.allAnswered(config.grace());
      });
    }).transform(v -> outbox.drain(config.grace())).recover(err -> {
      log.warn("the last events may not have reached the store: {}", err.getMessage());
      return Future.succeededFuture();
    });
  }

  private void onMessage(Message<RouterMessage> msg) {
    RouterMessage m = msg.body();
    try {
      Reply reply = dispatch(m, msg);
      if (reply != null && Answers.expected(msg)) {
        msg.reply(reply);
      }
    } catch (Refusal r) {
      answers.refuse(m, msg, r.code(), r.getMessage());
    } catch (RuntimeException e) {
      log.error("router failed on {}", m, e);
      if (Answers.expected(msg)) {
        msg.fail(ErrorCode.INTERNAL.code(), "internal error");
      }
    } finally {
      outbox.added();
    }
  }

  /** Hands {@code m} to the part whose job it is; returns the reply, or null when there is none or it comes later. */
  private Reply dispatch(RouterMessage m, Message<RouterMessage> msg) {
    if (m instanceof SessionCommand c) {
      return home.handle(c, msg);
    } else if (m instanceof RoomCommand c) {
      owner.run(c, msg);
    } else if (m instanceof PeerMessage.Relay r) {
      owner.relayed(r, msg);
    } else if (m instanceof PeerMessage.Update u) {
      peers.onUpdate(u);
    } else if (m instanceof PeerMessage.Gone g) {
      peers.onGone(g);
    } else if (m instanceof PeerMessage.Hello h) {
      return peers.onHello(h);
    } else if (m instanceof PeerMessage.Release r) {
      takeOver.release(r, msg);
    } else if (m instanceof PeerMessage.Bye b) {
      peers.onBye(b);
    } else if (m instanceof PeerMessage.ListRooms) {
      return owner.owned();
    } else if (m instanceof PeerMessage.Owns o) {
      if (!peers.owns(o.room())) {
        throw new Refusal(ErrorCode.RETRY, node + " does not own #" + o.room());
      }
      return new Reply.Done();
    } else if (m instanceof PeerMessage.Who) {
      return peers.onWho();
    } else if (m instanceof PeerMessage.Holds h) {
      if (!home.holds(h.session(), h.key())) {
        throw new Refusal(ErrorCode.NO_SUCH_USER, "session " + h.session() + " does not hold " + h.key());
      }
      return new Reply.Done();
    } else {
      throw new IllegalArgumentException("unknown message " + m);
    }
    return null;
  }
}
