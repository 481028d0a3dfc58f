package dev.chatbus.edge;

import dev.chatbus.account.Grant;
import dev.chatbus.account.Passwords;
import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.ServerBans;
import dev.chatbus.account.Tokens;
import dev.chatbus.bus.AccountCommand;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import dev.chatbus.bus.Reply;
import dev.chatbus.config.Spared;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.time.Duration;

/**
 * What the edge asks of its node's accounts workers on a client's behalf, as futures that fail with a
 * {@link Refusal} the client is told: whether it may take a name (a registered one takes its password),
 * identifying, registering, and signed tokens. Without a store there are no accounts: every name is free, and
 * identifying or registering is refused as such.
 */
final class AccountChecks {

  /** A password is hashed in tens of milliseconds, but a flood of logins may queue for the workers. */
  private static final DeliveryOptions WAIT = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(20).toMillis())
    .setLocalOnly(true);
  private static final String NO_STORE = "accounts are kept in the store, and this server keeps none";

  private final EventBus bus;
  private final String address;
  private final boolean stored;
  private final int minPasswordLength;
  private final RegisteredNames registered;
  private final Spared spared;
  /** Signed tokens, when {@code tokens.secret} is set; else null. */
  private final Tokens tokens;
  /** The names (and addresses) banned from the network. */
  private final ServerBans bans;

  AccountChecks(EventBus bus, String node, boolean stored, int minPasswordLength, RegisteredNames registered, Tokens tokens,
                ServerBans bans, Spared spared) {
    this.minPasswordLength = minPasswordLength;
    this.bans = bans;
    this.tokens = tokens;
    this.registered = registered;
    this.bus = bus;
    this.address = Addresses.accounts(node);
    this.stored = stored;
    this.spared = spared;
  }

  /**
   * Whether {@code c} may hold {@code name}, giving {@code password} (or null): succeeds with the account it
   * is identified as from then on (null for a guest), or fails with why not.
   */
  Future<String> mayTake(Connection c, String name, String password) {
    String banned = bans.nameBanned(name);
    if (banned != null) {
      return Future.failedFuture(new Refusal(ErrorCode.BANNED, "the name " + name + " is banned from the server: " + banned));
    }
    if (!stored || !registered.contains(name)
      || (c.account() != null && Names.nameKey(c.account()).equals(Names.nameKey(name)))) {
      // No account's name (a password given is not needed), or the client's own.
      return Future.succeededFuture(c.account());
    }
    if (password == null) {
      return Future.failedFuture(new Refusal(ErrorCode.PASSWORD_REQUIRED, "the name " + name + " is registered: give its password"));
    }
    return authenticate(c, name, password).recover(err -> err instanceof NoAccount
      ? Future.succeededFuture(c.account()) : Future.failedFuture(err));
  }

  /** What the signed {@code token} allows; fails with {@code bad_token} when it does not verify. */
  Future<Grant> grant(String token) {
    return tokens == null ? Future.failedFuture(new Refusal(ErrorCode.BAD_TOKEN, "this server takes no signed tokens"))
      : tokens.verify(token);
  }

  /** Whether {@code password} is the account {@code account}'s: succeeds with the account's name as registered. */
  Future<String> identify(Connection c, String account, String password) {
    if (!stored) {
      return Future.failedFuture(new Refusal(ErrorCode.REGISTRATION_OFF, NO_STORE));
    }
    return authenticate(c, account, password).recover(err -> err instanceof NoAccount
      ? Future.failedFuture(new Refusal(ErrorCode.NO_SUCH_USER, "no account is called " + account)) : Future.failedFuture(err));
  }

  /** Registers the name {@code c} holds with {@code password}: succeeds with the account's name. */
  Future<String> register(Connection c, String password) {
    if (!stored) {
      return Future.failedFuture(new Refusal(ErrorCode.REGISTRATION_OFF, NO_STORE));
    }
    String problem = Passwords.problem(password, minPasswordLength);
    if (problem != null) {
      return Future.failedFuture(new Refusal(ErrorCode.BAD_PARAMETER, problem));
    }
    return ask(new AccountCommand.Register(c.name(), password, c.address.getHostAddress())).compose(a -> switch (a.outcome()) {
      case CREATED -> Future.succeededFuture(a.account());
      case TAKEN -> Future.failedFuture(new Refusal(ErrorCode.NAME_TAKEN, "the name " + c.name() + " is registered already"));
      case REGISTRATION_OFF -> Future.failedFuture(new Refusal(ErrorCode.REGISTRATION_OFF,
        "this server takes no new registrations"));
      default -> Future.failedFuture(new IllegalStateException("unexpected " + a.outcome()));
    });
  }

  private Future<String> authenticate(Connection c, String account, String password) {
    if (password.length() > Passwords.MAX_LENGTH) {
      return Future.failedFuture(new Refusal(ErrorCode.WRONG_PASSWORD, "wrong password for " + account));
    }
    return ask(new AccountCommand.Authenticate(account, password, c.address.getHostAddress(), spared.spares(c.address)))
      .compose(a -> switch (a.outcome()) {
        case IDENTIFIED -> Future.succeededFuture(a.account());
        case NO_ACCOUNT -> Future.failedFuture(new NoAccount());
        case WRONG_PASSWORD -> Future.failedFuture(new Refusal(ErrorCode.WRONG_PASSWORD, "wrong password for " + account));
        case LOCKED -> Future.failedFuture(new Refusal(ErrorCode.RATE_LIMITED, "too many failed logins for " + account
          + " lately; try again in " + a.retryAfterSeconds() + "s"));
        default -> Future.failedFuture(new IllegalStateException("unexpected " + a.outcome()));
      });
  }

  private Future<Reply.Account> ask(AccountCommand command) {
    return bus.<Reply.Account>request(address, command, WAIT).map(Message::body);
  }

  /** No account has the name: a guest may still take it. */
  private static final class NoAccount extends RuntimeException {
    NoAccount() {
      super("no such account", null, false, false);
    }
  }
}
