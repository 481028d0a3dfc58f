package dev.chatbus.bus;

/**
 * What a room's operator may do to the room or to one of its members. The ordinal is the wire form:
 * append only.
 */
public enum Moderation {
  /** Make a member an operator too. */
  OP("+o"),
  /** Take a member's operator status away. */
  DEOP("-o"),
  /** Put a member out of the room, with a reason. */
  KICK(null),
  /** Let only operators set the topic (IRC's {@code +t}, every new room's). */
  LOCK_TOPIC("+t"),
  /** Let every member set the topic. */
  UNLOCK_TOPIC("-t"),
  /** Keep out whoever matches a mask ({@code nick!user@host}, {@code *} and {@code ?} as wildcards; a name alone is {@code name!*@*}). */
  BAN("+b"),
  /** Lift a ban. */
  UNBAN("-b"),
  /** Let in only those an operator (or a member, but for this) invited (IRC's {@code +i}). */
  INVITE_ONLY("+i"),
  /** Let anyone in again. */
  OPEN("-i"),
  /** Let in only those who give the key (IRC's {@code +k}). */
  SET_KEY("+k"),
  CLEAR_KEY("-k"),
  /** Let in no one once the room holds as many members as the target says (IRC's {@code +l}). */
  SET_LIMIT("+l"),
  CLEAR_LIMIT("-l");

  private static final Moderation[] VALUES = values();

  private final String mode;

  Moderation(String mode) {
    this.mode = mode;
  }

  /** The IRC mode change this is ({@code +o}, {@code -t}), the text of its {@code MODE} event; null for a kick. */
  public String mode() {
    return mode;
  }

  /** Whether this takes a parameter as its target: a member, a mask, a key or a limit. */
  public boolean hasTarget() {
    return onMember() || this == BAN || this == UNBAN || this == SET_KEY || this == SET_LIMIT;
  }

  /** Whether this acts on a member, named as its target. */
  public boolean onMember() {
    return this == OP || this == DEOP || this == KICK;
  }

  static Moderation ofOrdinal(int ordinal) {
    return VALUES[ordinal];
  }
}
