package dev.chatbus.bus;

/**
 * A request turned down, with its {@link ErrorCode} and what to tell the user or service. Thrown where a
 * request is checked and turned into the event-bus failure of its reply; it carries no stack trace.
 */
public final class Refusal extends RuntimeException {

  private final ErrorCode code;

  public Refusal(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
