package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.List;

/**
 * Who may do what in a room, as its operators set it: kept by the room's owner, handed over with the room,
 * and forgotten when it empties.
 *
 * @param operators   the sessions of the room's operators
 * @param topicLocked whether only operators set the topic ({@code +t})
 * @param inviteOnly  whether only those invited may enter ({@code +i})
 * @param key         the key those who enter must give ({@code +k}); null for none
 * @param limit       the most members the room lets in ({@code +l}); 0 for no limit
 * @param bans        the masks that keep people out ({@code +b})
 */
public record RoomRules(List<Long> operators, boolean topicLocked, boolean inviteOnly, String key, int limit,
                        List<Reply.Ban> bans) {

  /** A new room's: no operators, the topic locked, open to everyone. */
  public static final RoomRules NEW = new RoomRules(List.of(), true, false, null, 0, List.of());

  public RoomRules {
    operators = List.copyOf(operators);
    bans = List.copyOf(bans);
  }

  void write(Wire.Writer out) {
    out.i32(operators.size());
    for (long op : operators) {
      out.i64(op);
    }
    out.bool(topicLocked).bool(inviteOnly).str(key).i32(limit).i32(bans.size());
    for (Reply.Ban b : bans) {
      out.str(b.mask()).str(b.by()).i64(b.at());
    }
  }

  static RoomRules read(Wire.Reader in) {
    int n = in.i32();
    List<Long> operators = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      operators.add(in.i64());
    }
    boolean topicLocked = in.bool();
    boolean inviteOnly = in.bool();
    String key = in.str();
    int limit = in.i32();
    int b = in.i32();
    List<Reply.Ban> bans = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      bans.add(new Reply.Ban(in.str(), in.str(), in.i64()));
    }
    return new RoomRules(operators, topicLocked, inviteOnly, key, limit, bans);
  }
}
