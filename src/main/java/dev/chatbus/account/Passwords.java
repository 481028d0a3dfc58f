package dev.chatbus.account;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Password hashing with argon2id (Spring Security's encoder over Bouncy Castle): 16 bytes of salt, a 32-byte
 * hash, 19 MiB of memory, 2 passes, one lane, the parameters OWASP recommends. The encoded hash carries its
 * parameters and salt, so hashes made with other parameters still verify. Each call takes tens of
 * milliseconds of one core on purpose: only the accounts workers call it.
 */
public final class Passwords {

  /** Passwords longer than this are refused: hashing is costly enough without a megabyte to feed it. */
  public static final int MAX_LENGTH = 1024;

  private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);

  /** The encoded hash of {@code password}, with a new salt. */
  public String hash(String password) {
    return encoder.encode(password);
  }

  /** Whether {@code password} is the one {@code hash} was made from. */
  public boolean matches(String password, String hash) {
    return encoder.matches(password, hash);
  }

  /** Why {@code password} cannot be a new account's, at least {@code minLength} characters long, or null if it can. */
  public static String problem(String password, int minLength) {
    if (password == null || password.isEmpty()) {
      return "the password is empty";
    }
    if (password.length() < minLength) {
      return "a password needs at least " + minLength + " characters";
    }
    return password.length() > MAX_LENGTH ? "a password may have at most " + MAX_LENGTH + " characters" : null;
  }
}
