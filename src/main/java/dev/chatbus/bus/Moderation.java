package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.List;

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
  CLEAR_LIMIT("-l"),
  /** Let only operators and voiced members speak (IRC's {@code +m}). */
  MODERATE("+m"),
  UNMODERATE("-m"),
  /** Let a member speak in the room when it is moderated (IRC's {@code +v}). */
  VOICE("+v"),
  DEVOICE("-v"),
  /** Keep the room, and who is in it, from those outside it (IRC's {@code +s}; {@link RoomFlag#SECRET}). */
  HIDE("+s"),
  SHOW("-s"),
  /** Let only members speak in the room (IRC's {@code +n}, every new room's). */
  MEMBERS_ONLY("+n"),
  /** Let anyone send to the room, member or not. */
  ANYONE_SPEAKS("-n"),
  /**
   * Turn several of the room's flags on or off at once, announced as one change: the target is written as IRC
   * writes it, {@code +mn-t} ({@link #flags}).
   */
  FLAGS(null);

  private static final Moderation[] VALUES = values();

  private final String mode;

  Moderation(String mode) {
    this.mode = mode;
  }

  /**
   * The IRC mode change this is ({@code +o}, {@code -t}), the text of its {@code MODE} event; null for a kick,
   * and for {@link #FLAGS}, whose changes are its target.
   */
  public String mode() {
    return mode;
  }

  /** The rule this turns on or off ({@link #on}); null when it is not one of a room's flags. */
  public RoomFlag flag() {
    return switch (this) {
      case LOCK_TOPIC, UNLOCK_TOPIC -> RoomFlag.TOPIC_LOCKED;
      case INVITE_ONLY, OPEN -> RoomFlag.INVITE_ONLY;
      case MODERATE, UNMODERATE -> RoomFlag.MODERATED;
      case HIDE, SHOW -> RoomFlag.SECRET;
      case MEMBERS_ONLY, ANYONE_SPEAKS -> RoomFlag.NO_EXTERNAL;
      default -> null;
    };
  }

  /** Whether this turns its flag, or a member's status, on. */
  public boolean on() {
    return mode != null && mode.startsWith("+");
  }

  /** The change that turns IRC's mode {@code letter} on or off; null when Chatbus has no such mode. */
  public static Moderation of(char letter, boolean on) {
    return of((on ? "+" : "-") + letter);
  }

  /**
   * The flag changes {@code changes} ({@code +mn-t}) is made of, in order; null when it is not only flags, or
   * names none.
   */
  public static List<Moderation> flags(String changes) {
    List<Moderation> all = new ArrayList<>();
    boolean on = true;
    for (char c : changes.toCharArray()) {
      if (c == '+' || c == '-') {
        on = c == '+';
        continue;
      }
      Moderation m = of(c, on);
      if (m == null || m.flag() == null) {
        return null;
      }
      all.add(m);
    }
    return all.isEmpty() ? null : all;
  }

  /** {@code changes} written as IRC writes them, a sign only where it changes: {@code +m +n -t} as {@code +mn-t}. */
  public static String write(List<Moderation> changes) {
    StringBuilder sb = new StringBuilder();
    char sign = 0;
    for (Moderation m : changes) {
      if (m.mode.charAt(0) != sign) {
        sign = m.mode.charAt(0);
        sb.append(sign);
      }
      sb.append(m.mode.charAt(1));
    }
    return sb.toString();
  }

  /** The change written as IRC writes it ({@code +m}, {@code -k}); null when Chatbus has no such mode. */
  public static Moderation of(String change) {
    for (Moderation m : VALUES) {
      if (m.mode != null && m.mode.equals(change)) {
        return m;
      }
    }
    return null;
  }

  /** Whether this takes a parameter as its target: a member, a mask, a key or a limit. */
  public boolean hasTarget() {
    return onMember() || this == BAN || this == UNBAN || this == SET_KEY || this == SET_LIMIT || this == FLAGS;
  }

  /** Whether this acts on a member, named as its target. */
  public boolean onMember() {
    return this == OP || this == DEOP || this == VOICE || this == DEVOICE || this == KICK;
  }

  static Moderation ofOrdinal(int ordinal) {
    return VALUES[ordinal];
  }
}
