package dev.chatbus.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The closed set of errors a client or service can be told about.
 * <p>
 * Each has a stable number, used as the failure code of event-bus replies, and a stable wire name, used
 * in JSON {@code error} events. Neither may change once released.
 */
public enum ErrorCode {
  BAD_REQUEST(1, "bad_request"),
  BAD_NAME(2, "bad_name"),
  NAME_TAKEN(3, "name_taken"),
  BAD_ROOM(4, "bad_room"),
  NOT_IN_ROOM(5, "not_in_room"),
  NO_SUCH_ROOM(6, "no_such_room"),
  NO_SUCH_USER(7, "no_such_user"),
  TOO_MANY_ROOMS(8, "too_many_rooms"),
  NOT_LOGGED_IN(9, "not_logged_in"),
  RATE_LIMITED(10, "rate_limited"),
  TOO_LONG(11, "too_long"),
  SHUTTING_DOWN(12, "shutting_down"),
  INTERNAL(13, "internal_error"),
  NOT_STORED(14, "not_stored"),
  BUSY(15, "busy"),
  NOT_OPERATOR(16, "not_operator"),
  NOT_A_MEMBER(17, "not_a_member"),
  BANNED(18, "banned"),
  INVITE_ONLY(19, "invite_only"),
  BAD_KEY(20, "bad_key"),
  ROOM_FULL(21, "room_full"),
  ALREADY_IN_ROOM(22, "already_in_room"),
  BAD_PARAMETER(23, "bad_parameter"),
  WRONG_PASSWORD(24, "wrong_password"),
  MODERATED(25, "moderated"),
  PASSWORD_REQUIRED(26, "password_required"),
  ACCOUNT_REQUIRED(27, "account_required"),
  REGISTRATION_OFF(28, "registration_off"),
  BAD_TOKEN(29, "bad_token"),
  FORBIDDEN(30, "forbidden"),
  ROOM_CLOSED(31, "room_closed"),
  /**
   * Not carried out, and safe to ask again: the network was changing (a node gone, a room moving, too few
   * nodes in reach to take a room or a name up) past the time a request is held for.
   */
  RETRY(32, "retry");

  private static final ErrorCode[] BY_CODE = new ErrorCode[33];

  static {
    for (ErrorCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;
  private final String wireName;

  ErrorCode(int code, String wireName) {
    this.code = code;
    this.wireName = wireName;
  }

  /** The failure code used in event-bus replies. */
  public int code() {
    return code;
  }

  /** The name used on the wire, for example {@code name_taken}. */
  public String wireName() {
    return wireName;
  }

  /** The error with failure code {@code code}, or {@link #INTERNAL} for a code this version does not know. */
  public static ErrorCode ofCode(int code) {
    ErrorCode c = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    return c != null ? c : INTERNAL;
  }

  /**
   * The error a request was turned down with: a {@link Refusal}'s, or the failure code its recipient
   * failed the reply with; null when it was not turned down but went wrong otherwise (no answer in time,
   * no one to answer, a bug), which the asker reports in its own words.
   */
  public static ErrorCode ofRefusal(Throwable cause) {
    if (cause instanceof Refusal r) {
      return r.code();
    }
    if (cause instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return ofCode(e.failureCode());
    }
    return null;
  }

  /**
   * What a client or service is told when its request failed: the code it was turned down with
   * ({@link #ofRefusal}); {@link #SHUTTING_DOWN} when no one was there to take it, which happens only while
   * a node stops; {@link #INTERNAL} otherwise (no answer in time, a bug).
   */
  public static ErrorCode of(Throwable cause) {
    ErrorCode refused = ofRefusal(cause);
    if (refused != null) {
      return refused;
    }
    return cause instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS ? SHUTTING_DOWN : INTERNAL;
  }
}
