package dev.chatbus.bus;

import java.util.EnumSet;
import java.util.Set;

/**
 * A rule of a room that is on or off, as its operators set it, with the letter IRC writes it as. The ordinal
 * is the wire form: append only.
 */
public enum RoomFlag {
  /** Only those invited may enter ({@code +i}). */
  INVITE_ONLY('i'),
  /** Only members, voiced members and operators speak ({@code +m}). */
  MODERATED('m'),
  /** Only members speak in the room ({@code +n}); without it anyone may send to it. */
  NO_EXTERNAL('n'),
  /**
   * The room is not listed, shows no one in its {@code NAMES} and {@code WHO}, is not named among its members'
   * rooms, and keeps its topic and history, to those outside it ({@code +s}).
   */
  SECRET('s'),
  /** Only operators set the topic ({@code +t}). */
  TOPIC_LOCKED('t');

  private static final RoomFlag[] VALUES = values();

  private final char letter;

  RoomFlag(char letter) {
    this.letter = letter;
  }

  public char letter() {
    return letter;
  }

  /** A new room's: only members speak, and only operators set the topic. */
  public static Set<RoomFlag> defaults() {
    return EnumSet.of(NO_EXTERNAL, TOPIC_LOCKED);
  }

  public static int bits(Set<RoomFlag> flags) {
    int bits = 0;
    for (RoomFlag f : flags) {
      bits |= 1 << f.ordinal();
    }
    return bits;
  }

  public static Set<RoomFlag> ofBits(int bits) {
    Set<RoomFlag> flags = EnumSet.noneOf(RoomFlag.class);
    for (RoomFlag f : VALUES) {
      if ((bits & 1 << f.ordinal()) != 0) {
        flags.add(f);
      }
    }
    return flags;
  }
}
