package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who may do what in a room, as its operators set it: kept by the room's owner, handed over with the room,
 * and forgotten when it empties.
 *
 * @param operators the sessions of the room's operators
 * @param voiced    the sessions of the members who may speak when the room is moderated ({@code +v})
 * @param flags     the rules that are on
 * @param key       the key those who enter must give ({@code +k}); null for none
 * @param limit     the most members the room lets in ({@code +l}); 0 for no limit
 * @param bans      the masks that keep people out ({@code +b})
 */
public record RoomRules(List<Long> operators, List<Long> voiced, Set<RoomFlag> flags, String key, int limit,
                        List<Reply.Ban> bans) {

  /** A new room's: no operators, no one voiced, {@link RoomFlag#defaults}, open to everyone. */
  public static final RoomRules NEW = new RoomRules(List.of(), List.of(), RoomFlag.defaults(), null, 0, List.of());

  public RoomRules {
    operators = List.copyOf(operators);
    voiced = List.copyOf(voiced);
    flags = flags.isEmpty() ? EnumSet.noneOf(RoomFlag.class) : EnumSet.copyOf(flags);
    bans = List.copyOf(bans);
  }

  void write(Wire.Writer out) {
    sessions(out, operators);
    sessions(out, voiced);
    out.i32(RoomFlag.bits(flags)).str(key).i32(limit).i32(bans.size());
    for (Reply.Ban b : bans) {
      out.str(b.mask()).str(b.by()).i64(b.at());
    }
  }

  static RoomRules read(Wire.Reader in) {
    List<Long> operators = sessions(in);
    List<Long> voiced = sessions(in);
    Set<RoomFlag> flags = RoomFlag.ofBits(in.i32());
    String key = in.str();
    int limit = in.i32();
    int b = in.i32();
    List<Reply.Ban> bans = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      bans.add(new Reply.Ban(in.str(), in.str(), in.i64()));
    }
    return new RoomRules(operators, voiced, flags, key, limit, bans);
  }

  private static void sessions(Wire.Writer out, List<Long> sessions) {
    out.i32(sessions.size());
    for (long s : sessions) {
      out.i64(s);
    }
  }

  private static List<Long> sessions(Wire.Reader in) {
    int n = in.i32();
    List<Long> sessions = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sessions.add(in.i64());
    }
    return sessions;
  }
}
