package dev.chatbus.persist;

/** The store cannot be opened or brought up to date; the message says which store and why. */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
