package dev.chatbus.edge;

import dev.chatbus.account.Grant;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.ClientCommand;
import dev.chatbus.protocol.Goodbye;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Logging in and entering rooms, whatever protocol the client speaks. Entering a room shows the room's
 * last messages first: the client becomes a member before the router hears of the join, the room's events
 * are kept for it meanwhile, and once the join and the earlier messages are known they are written in
 * order: the welcome (or the join's answer), the earlier messages, then the events kept. Each request
 * holds the client's next lines until its answer has been handled.
 */
final class Entering {

  private static final Logger log = LoggerFactory.getLogger(Entering.class);

  private final EventBus bus;
  private final String router;
  private final String edge;
  private final LocalRooms rooms;
  private final Connections connections;
  private final RouterRequests requests;
  private final AccountChecks accounts;
  private final String defaultRoom;
  private final ChatbusConfig.History history;

  Entering(EventBus bus, String router, String edge, LocalRooms rooms, Connections connections, RouterRequests requests,
           AccountChecks accounts, String defaultRoom, ChatbusConfig.History history) {
    this.accounts = accounts;
    this.bus = bus;
    this.router = router;
    this.edge = edge;
    this.rooms = rooms;
    this.connections = connections;
    this.requests = requests;
    this.defaultRoom = defaultRoom;
    this.history = history;
  }

  /** The outcome of entering a room: the join, and the messages shown before anything live. */
  private record Entered(Reply.Joined joined, Reply.History earlier, boolean unavailable) {
    Entered(Reply.Joined joined, Reply.History earlier) {
      this(joined, earlier, false);
    }
  }

  void login(Connection c, ClientCommand.Hello hello) {
    if (hello.token() != null) {
      loginWithToken(c, hello);
      return;
    }
    String problem = Names.nameProblem(hello.name());
    if (problem != null) {
      reply(c, c.codec().loginRejected(ErrorCode.BAD_NAME, "invalid name: " + problem, hello.ref()));
      return;
    }
    c.loggingIn();
    // A client whose token does not let it read the default room enters none.
    String first = c.codec().entersDefaultRoom() && (c.grant() == null || c.grant().mayRead(defaultRoom)) ? defaultRoom : null;
    // A registered name takes its account's password first.
    Future<String> account = accounts.mayTake(c, hello.name(), hello.password());
    Future<Void> ready = account.compose(a -> first == null ? Future.succeededFuture() : rooms.enter(first, c).ready());
    long asked = System.nanoTime();
    Future<Reply.LoggedIn> login = ready
      .compose(v -> requests.ask(c, new SessionCommand.Login(c.id, hello.name(), edge, c.remote(), first, hello.user(),
        hello.realname(), c.secure(), account.result())))
      .map(r -> (Reply.LoggedIn) r);
    Future<Entered> entered = login.compose(in -> in.joined() == null ? Future.succeededFuture(null)
      : earlier(c, in.joined(), asked));
    requests.send(c, entered, true, ar -> {
      if (!c.open()) {
        leaveEntering(c, first);
      } else if (ar.succeeded()) {
        c.identified(account.result());
        c.loggedIn(login.result().name(), first);
        Entered in = ar.result();
        reply(c, c.codec().welcome(c.name(), in == null ? null : in.joined(), hello.ref())
          + (in == null ? "" : earlierLines(c, in)));
        if (in != null) {
          catchUp(c, in);
        }
        log.debug("conn {} logged in as {}", c, c.name());
      } else {
        if (account.succeeded()) {
          leaveEntering(c, first);
        }
        if (!RouterRequests.refused(ar.cause())) {
          // No answer does not mean no login: make sure the router forgets the session before a retry.
          bus.send(router, new SessionCommand.Disconnect(c.id, "login failed"));
        }
        c.loginFailed();
        String prompt = RouterRequests.errorCode(ar.cause()) == ErrorCode.PASSWORD_REQUIRED
          ? c.codec().passwordPrompt(hello.name()) : null;
        if (prompt != null) {
          // The next line is the password; a wrong one asks for a name again.
          c.awaitPassword(hello.name());
          reply(c, prompt);
        } else {
          reply(c, c.codec().loginRejected(RouterRequests.errorCode(ar.cause()), RouterRequests.errorMessage(ar.cause()),
            hello.ref()));
        }
      }
    });
  }

  /**
   * A login with a signed token: its subject is the client's name and account, and what the token allows is
   * all the client may do from then on.
   */
  private void loginWithToken(Connection c, ClientCommand.Hello hello) {
    requests.send(c, accounts.grant(hello.token()), true, ar -> {
      if (!c.open()) {
        return;
      }
      if (ar.failed()) {
        reply(c, c.codec().loginRejected(RouterRequests.errorCode(ar.cause()), RouterRequests.errorMessage(ar.cause()),
          hello.ref()));
        return;
      }
      Grant grant = ar.result();
      if (hello.name() != null && !Names.nameKey(hello.name()).equals(Names.nameKey(grant.subject()))) {
        reply(c, c.codec().loginRejected(ErrorCode.BAD_TOKEN, "this token is " + grant.subject() + "'s", hello.ref()));
        return;
      }
      c.granted(grant);
      login(c, new ClientCommand.Hello(grant.subject(), hello.user(), hello.realname(), hello.ref()));
    });
  }

  /** Enters {@code room} with {@code key} (or null), leaving {@code from} in the same router step when it is not null. */
  void enter(Connection c, String room, String key, String from, Object ref) {
    LocalRooms.Room r = rooms.enter(room, c);
    long asked = System.nanoTime();
    Future<Entered> entered = r.ready()
      .compose(v -> requests.ask(c, new SessionCommand.Join(c.id, room, key, from)))
      .compose(joined -> {
        // The router has taken the client out of the room it left: so does the fan-out, right away.
        if (from != null) {
          rooms.remove(c, from);
          c.leftRoom(from);
        }
        return earlier(c, (Reply.Joined) joined, asked);
      });
    requests.send(c, entered, true, ar -> {
      if (!c.open()) {
        leaveEntering(c, room);
      } else if (ar.failed()) {
        leaveEntering(c, room);
        reply(c, c.codec().error(RouterRequests.errorCode(ar.cause()), RouterRequests.errorMessage(ar.cause()), ref));
      } else {
        c.enteredRoom(room);
        reply(c, c.codec().joined(ar.result().joined(), ref) + earlierLines(c, ar.result()));
        catchUp(c, ar.result());
      }
    });
  }

  /**
   * The messages shown on entering a room, up to the join itself: none when that is turned off or the
   * client's protocol does not show them, and a word that they are not available when they cannot be had
   * within {@code history.replayTimeout} of {@code asked} (when the join was asked for, in nanoseconds), or
   * the room's owner could not say where its join stands.
   */
  private Future<Entered> earlier(Connection c, Reply.Joined joined, long asked) {
    if (history.replayOnJoin() == 0 || !c.codec().replaysOnJoin()) {
      return Future.succeededFuture(new Entered(joined, null));
    }
    long left = history.replayTimeout().toMillis() - (System.nanoTime() - asked) / 1_000_000;
    if (joined.seq() < 0 || left <= 0) {
      return Future.succeededFuture(new Entered(joined, null, true));
    }
    // Up to and including the joined seq: in a room too large to announce joins that is the room's last
    // event, not a join of the client's own (which, being no message, would not be shown anyway).
    SessionCommand.History ask = new SessionCommand.History(c.id, joined.room(), history.replayOnJoin(), -1, joined.seq() + 1, true);
    Future<Reply> answer = c.open() ? bus.<Reply>request(router, ask, new DeliveryOptions().setSendTimeout(left))
      .map(Message::body) : Future.failedFuture("gone");
    return answer
      .map(h -> new Entered(joined, (Reply.History) h))
      .recover(err -> {
        log.debug("conn {}: no earlier messages for #{}: {}", c, joined.room(), err.getMessage());
        return Future.succeededFuture(new Entered(joined, null, true));
      });
  }

  /** The earlier messages, for after the join's own answer, or the word that they are not available. */
  private static String earlierLines(Connection c, Entered entered) {
    if (entered.unavailable()) {
      return c.codec().historyUnavailable(entered.joined().room());
    }
    return entered.earlier() == null ? "" : c.codec().history(entered.earlier(), true, null);
  }

  /**
   * Writes the room's events kept while entering that came after the join, as live deliveries (so the
   * slow-consumer bounds apply), and makes the client a plain member.
   */
  private void catchUp(Connection c, Entered entered) {
    long now = System.nanoTime();
    for (RoomEvent e : c.joined()) {
      if (e.seq() > entered.joined().seq() && e.senderSession() != c.id && c.codec().shows(e)) {
        if (c.deliver(c.codec().roomEvent(e).getBytes(StandardCharsets.UTF_8), now) == Connection.Delivery.OVERFLOW) {
          connections.goodbye(c, Goodbye.TOO_SLOW, Goodbye.TOO_SLOW.roomReason());
          return;
        }
      }
    }
  }

  /** The client did not make it into {@code room}: it is no member, and nothing kept for it is shown. */
  private void leaveEntering(Connection c, String room) {
    c.joined();
    if (room != null && !c.rooms().contains(room)) {
      rooms.remove(c, room);
    }
  }

  private void reply(Connection c, String lines) {
    connections.reply(c, lines);
  }
}
