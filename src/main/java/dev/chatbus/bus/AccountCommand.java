package dev.chatbus.bus;

/**
 * What an edge asks of its node's accounts worker ({@link Addresses#accounts}, local only): whether a password
 * is an account's, and to register a name, answered with a {@link Reply.Account}; and what the router has
 * the worker write in the audit table ({@link Audit}, not answered). Passwords travel only within the node,
 * never between nodes. (Whether a name is registered each node knows by itself.)
 */
public sealed interface AccountCommand extends Wire.Writable {

  /**
   * Whether {@code password} is the account {@code account}'s, asked by a client from {@code address}
   * ({@code spared} when the per-address limits spare it): {@code IDENTIFIED}, {@code WRONG_PASSWORD},
   * {@code NO_ACCOUNT}, or {@code LOCKED} after too many failures.
   */
  record Authenticate(String account, String password, String address, boolean spared) implements AccountCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(account).str(password).str(address).bool(spared);
    }

    public static Authenticate read(Wire.Reader in) {
      return new Authenticate(in.str(), in.str(), in.str(), in.bool());
    }

    @Override
    public String toString() {
      return "Authenticate[account=" + account + ", address=" + address + "]";
    }
  }

  /**
   * Registers {@code name}, which the asking client holds, with {@code password}: {@code CREATED}, {@code TAKEN},
   * or {@code REGISTRATION_OFF}.
   */
  record Register(String name, String password, String address) implements AccountCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(name).str(password).str(address);
    }

    public static Register read(Wire.Reader in) {
      return new Register(in.str(), in.str(), in.str());
    }

    @Override
    public String toString() {
      return "Register[name=" + name + ", address=" + address + "]";
    }
  }

  /**
   * A line of the audit table: {@code actor} did {@code action} to {@code target} (a name, a room, an
   * address), from {@code address} (or null), with {@code detail} (or null). Sent, not answered.
   */
  record Audit(String actor, String action, String target, String address, String detail) implements AccountCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(actor).str(action).str(target).str(address).str(detail);
    }

    public static Audit read(Wire.Reader in) {
      return new Audit(in.str(), in.str(), in.str(), in.str(), in.str());
    }
  }

  /**
   * A server operator ({@code by}) banned {@code address} (normal, see {@code ServerBans}) for {@code reason},
   * or, with a null reason, lifted its ban: kept in the store, and audited. Sent, not answered.
   */
  record BanAddress(String address, String by, String reason) implements AccountCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(address).str(by).str(reason);
    }

    public static BanAddress read(Wire.Reader in) {
      return new BanAddress(in.str(), in.str(), in.str());
    }
  }

  /** Keeps a room's registration (or drops it) in the store. Sent, not answered. */
  record SaveRoom(Registration registration) implements AccountCommand {
    @Override
    public void write(Wire.Writer out) {
      registration.write(out);
    }

    public static SaveRoom read(Wire.Reader in) {
      return new SaveRoom(Registration.read(in));
    }
  }

  /**
   * A server operator ({@code by}) closed {@code room} for {@code reason}, or, with a null reason, opened it:
   * kept in the store, and audited. Sent, not answered.
   */
  record CloseRoom(String room, String by, String reason) implements AccountCommand {
    @Override
    public void write(Wire.Writer out) {
      out.str(room).str(by).str(reason);
    }

    public static CloseRoom read(Wire.Reader in) {
      return new CloseRoom(in.str(), in.str(), in.str());
    }
  }
}
