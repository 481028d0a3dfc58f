package dev.chatbus.account;

import dev.chatbus.bus.AccountCommand;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.Reply.Account.Outcome;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.persist.JdbcAccounts;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * An accounts worker: answers the edges' {@link AccountCommand}s on {@link Addresses#accounts}, reading and
 * writing the store and hashing passwords, both of which block (a hash takes tens of milliseconds on
 * purpose). Deployed with {@link io.vertx.core.ThreadingModel#WORKER}, a few instances on a pool of their
 * own, so a flood of logins waits for them and for nothing else. The instances share one
 * {@link LoginFailures} and the node's {@link RegisteredNames}, which the first loads from the store when it
 * starts and keeps up to date with the names registered anywhere in the cluster ({@link Addresses#REGISTERED}).
 * The first alone writes what the router records ({@link Addresses#records}), so it is written in order.
 * Registrations, logins, failed logins and lockouts go into the audit table, as do the moderation actions the
 * router sends ({@link AccountCommand.Audit}).
 */
public final class AccountsVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AccountsVerticle.class);
  /** How often the names registered lately are read again. */
  private static final long REFRESH_MILLIS = 60_000;
  /** How far before the last read the next one starts: the clocks of the nodes may disagree by this much. */
  private static final long REFRESH_SLACK_MILLIS = 10 * 60_000;

  private final String node;
  private final ChatbusConfig.Accounts config;
  private final JdbcAccounts store;
  private final Passwords passwords;
  private final LoginFailures failures;
  private final RegisteredNames names;
  private final ServerBans bans;
  private final RegisteredRooms rooms;
  private final ClosedRooms closed;
  private final boolean first;
  private long sweep = -1;
  private long refresh = -1;

  /**
   * @param first whether this instance loads the registered names, the registered and closed rooms and the
   *              banned addresses, hears of names
   *              registered elsewhere, and forgets the failures of windows that have passed, for all
   */
  public AccountsVerticle(String node, ChatbusConfig.Accounts config, JdbcAccounts store, Passwords passwords,
                          LoginFailures failures, RegisteredNames names, ServerBans bans, RegisteredRooms rooms,
                          ClosedRooms closed, boolean first) {
    this.rooms = rooms;
    this.closed = closed;
    this.names = names;
    this.bans = bans;
    this.node = node;
    this.config = config;
    this.store = store;
    this.passwords = passwords;
    this.failures = failures;
    this.first = first;
  }

  @Override
  public Future<?> start() throws SQLException {
    Future<?> heard = Future.succeededFuture();
    if (first) {
      heard = Future.all(vertx.eventBus().<String>consumer(Addresses.REGISTERED, msg -> names.add(msg.body())).completion(),
        vertx.eventBus().<AccountCommand>localConsumer(Addresses.records(node), this::onMessage).completion());
      long loaded = System.currentTimeMillis();
      names.addKeys(store.keys(0));
      bans.load(store.serverBans());
      rooms.load(store.registeredRooms());
      closed.load(store.closedRooms());
      log.info("accounts: {} names registered", names.size());
      sweep = vertx.setPeriodic(Math.max(1000, config.lockout().toMillis()), id -> failures.forgetOld(System.currentTimeMillis()));
      // In case a registration elsewhere was not heard of (a node cut off for a while): those since the last
      // read that worked, with room for clocks that disagree by minutes.
      long[] readUpTo = {loaded};
      refresh = vertx.setPeriodic(REFRESH_MILLIS, id -> {
        long now = System.currentTimeMillis();
        try {
          names.addKeys(store.keys(readUpTo[0] - REFRESH_SLACK_MILLIS));
          readUpTo[0] = now;
        } catch (SQLException e) {
          log.debug("accounts: the registered names cannot be read: {}", e.getMessage());
        }
      });
    }
    return Future.all(heard, vertx.eventBus().<AccountCommand>localConsumer(Addresses.accounts(node), this::onMessage)
      .completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweep);
    vertx.cancelTimer(refresh);
    return Future.succeededFuture();
  }

  private void onMessage(Message<AccountCommand> msg) {
    if (msg.body() instanceof AccountCommand.Audit a) {
      try {
        store.audit(System.currentTimeMillis(), a.actor(), a.action(), a.target(), a.address(), a.detail(), node);
      } catch (SQLException e) {
        log.warn("accounts: the audit table lost {} {} {}: {}", a.actor(), a.action(), a.target(), e.getMessage());
      }
      return;
    }
    if (msg.body() instanceof AccountCommand.SaveRoom save) {
      try {
        store.saveRoom(save.registration());
      } catch (SQLException e) {
        log.warn("accounts: the registration of #{} was not stored (it holds until the nodes restart): {}",
          save.registration().room(), e.getMessage());
      }
      return;
    }
    if (msg.body() instanceof AccountCommand.CloseRoom cr) {
      long now = System.currentTimeMillis();
      try {
        store.closeRoom(cr.room(), cr.by(), cr.reason(), now);
        store.audit(now, cr.by(), cr.reason() == null ? "open_room" : "close_room", "#" + cr.room(), null, cr.reason(), node);
      } catch (SQLException e) {
        log.warn("accounts: the closing of #{} was not stored (it holds until the nodes restart): {}", cr.room(), e.getMessage());
      }
      return;
    }
    if (msg.body() instanceof AccountCommand.BanAddress b) {
      long now = System.currentTimeMillis();
      try {
        store.serverBan(b.address(), b.by(), b.reason(), now);
        store.audit(now, b.by(), b.reason() == null ? "unban_address" : "ban_address", b.address(), null, b.reason(), node);
      } catch (SQLException e) {
        log.warn("accounts: the ban of {} was not stored (it holds until the nodes restart): {}", b.address(), e.getMessage());
      }
      return;
    }
    try {
      msg.reply(answer(msg.body()));
    } catch (SQLException | RuntimeException e) {
      log.warn("accounts: {} failed: {}", msg.body(), e.getMessage());
      msg.fail(ErrorCode.INTERNAL.code(), "accounts cannot be checked right now; try again");
    }
  }

  private Reply.Account answer(AccountCommand c) throws SQLException {
    long now = System.currentTimeMillis();
    if (c instanceof AccountCommand.Authenticate auth) {
      return authenticate(auth, now);
    } else if (c instanceof AccountCommand.Register r) {
      if (!config.registration()) {
        return outcome(Outcome.REGISTRATION_OFF, null);
      }
      if (!store.create(Names.nameKey(r.name()), r.name(), passwords.hash(r.password()), now)) {
        return outcome(Outcome.TAKEN, null);
      }
      names.add(r.name());
      vertx.eventBus().publish(Addresses.REGISTERED, r.name());
      store.audit(now, r.name(), "register", r.name(), r.address(), null, node);
      return outcome(Outcome.CREATED, r.name());
    }
    throw new IllegalArgumentException("unknown account command " + c);
  }

  private Reply.Account authenticate(AccountCommand.Authenticate auth, long now) throws SQLException {
    String key = Names.nameKey(auth.account());
    String counted = auth.spared() ? null : auth.address();
    long wait = failures.wait(key, counted, now);
    if (wait > 0) {
      return new Reply.Account(Outcome.LOCKED, null, (wait + 999) / 1000);
    }
    JdbcAccounts.Account a = store.find(key);
    if (a == null) {
      return outcome(Outcome.NO_ACCOUNT, null);
    }
    if (passwords.matches(auth.password(), a.passwordHash())) {
      failures.succeeded(key);
      store.loggedIn(key, now);
      store.audit(now, a.name(), "login", a.name(), auth.address(), null, node);
      return outcome(Outcome.IDENTIFIED, a.name());
    }
    boolean locked = failures.failed(key, counted, now);
    store.audit(now, "?", "login_failed", a.name(), auth.address(), null, node);
    if (locked) {
      log.warn("accounts: too many failed logins for {} (or from {}): no more tries for {}s", a.name(), auth.address(),
        config.lockout().toSeconds());
      store.audit(now, "server", "lockout", a.name(), auth.address(), "for " + config.lockout().toSeconds() + "s", node);
    }
    return outcome(Outcome.WRONG_PASSWORD, a.name());
  }

  private static Reply.Account outcome(Outcome outcome, String account) {
    return new Reply.Account(outcome, account, 0);
  }
}
