package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.Topic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rooms' topics in {@code room_state}: the latest of their topic events, kept as those are written. */
final class Topics {

  private Topics() {
  }

  /** Records each room's latest topic in the batches, unless a later one is recorded already. */
  static void keep(Connection c, List<Persist.Batch> batches) throws SQLException {
    Map<String, RoomEvent> latest = new LinkedHashMap<>();
    for (Persist.Batch b : batches) {
      for (RoomEvent e : b.events()) {
        if (e.kind() == RoomEvent.Kind.TOPIC) {
          latest.merge(e.room(), e, (x, y) -> y.seq() > x.seq() ? y : x);
        }
      }
    }
    if (latest.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
      "UPDATE room_state SET topic = ?, topic_by = ?, topic_at = ? WHERE room = ? AND topic_at <= ?")) {
      for (RoomEvent e : latest.values()) {
        ps.setString(1, e.text());
        ps.setString(2, e.from());
        ps.setLong(3, e.ts());
        ps.setString(4, e.room());
        ps.setLong(5, e.ts());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The topic in the current row of {@code rs}, from its columns {@code from} (text, by, at); null if none. */
  static Topic read(ResultSet rs, int from) throws SQLException {
    String text = rs.getString(from);
    return text == null ? null : new Topic(text, rs.getString(from + 1), rs.getLong(from + 2));
  }
}
