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
  UNLOCK_TOPIC("-t");

  private static final Moderation[] VALUES = values();

  private final String mode;

  Moderation(String mode) {
    this.mode = mode;
  }

  /** The IRC mode change this is ({@code +o}, {@code -t}), the text of its {@code MODE} event; null for a kick. */
  public String mode() {
    return mode;
  }

  /** Whether this acts on a member, named as its target. */
  public boolean onMember() {
    return this == OP || this == DEOP || this == KICK;
  }

  static Moderation ofOrdinal(int ordinal) {
    return VALUES[ordinal];
  }
}
