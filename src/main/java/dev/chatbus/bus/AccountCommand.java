package dev.chatbus.bus;

/**
 * What an edge asks of its node's accounts worker ({@link Addresses#accounts}, local only): whether a password
 * is an account's, and to register a name. Answered with a {@link Reply.Account}. Passwords travel only
 * within the node, never between nodes. (Whether a name is registered each node knows by itself.)
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
}
