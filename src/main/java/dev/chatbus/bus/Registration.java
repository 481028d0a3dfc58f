package dev.chatbus.bus;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A registered room as its store keeps it: the account that registered it ({@code founder}), the accounts
 * that are its operators whenever they are in it ({@code operators}, by name key, the founder's among
 * them), and the rules that outlive its members: flags, key, limit and bans. Published to every node when it
 * changes ({@link Addresses#ROOM_REGISTRATIONS}), newest by {@code changedAt} winning; a registration
 * dropped is one with no founder.
 */
public record Registration(String room, String founder, List<String> operators, Set<RoomFlag> flags, String key,
                           int limit, List<Reply.Ban> bans, long changedAt) implements Wire.Writable {

  public Registration {
    operators = List.copyOf(operators);
    flags = flags.isEmpty() ? EnumSet.noneOf(RoomFlag.class) : EnumSet.copyOf(flags);
    bans = List.copyOf(bans);
  }

  /** {@code room} registered no more, as of {@code at}. */
  public static Registration dropped(String room, long at) {
    return new Registration(room, null, List.of(), Set.of(), null, 0, List.of(), at);
  }

  public boolean isDropped() {
    return founder == null;
  }

  /** This registration with these rules and operators, as of {@code at}. */
  public Registration with(List<String> operators, Set<RoomFlag> flags, String key, int limit, List<Reply.Ban> bans,
                           long at) {
    return new Registration(room, founder, operators, flags, key, limit, bans, Math.max(at, changedAt + 1));
  }

  @Override
  public void write(Wire.Writer out) {
    out.str(room).str(founder).strs(operators).i32(RoomFlag.bits(flags)).str(key).i32(limit).i32(bans.size());
    for (Reply.Ban b : bans) {
      out.str(b.mask()).str(b.by()).i64(b.at());
    }
    out.i64(changedAt);
  }

  public static Registration read(Wire.Reader in) {
    String room = in.str();
    String founder = in.str();
    List<String> operators = in.strs();
    Set<RoomFlag> flags = RoomFlag.ofBits(in.i32());
    String key = in.str();
    int limit = in.i32();
    int n = in.i32();
    List<Reply.Ban> bans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      bans.add(new Reply.Ban(in.str(), in.str(), in.i64()));
    }
    return new Registration(room, founder, operators, flags, key, limit, bans, in.i64());
  }
}
