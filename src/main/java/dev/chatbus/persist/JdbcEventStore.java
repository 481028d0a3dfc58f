package dev.chatbus.persist;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatbus.bus.Persist;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.config.ChatbusConfig;
import org.flywaydb.core.Flyway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link EventStore} on a JDBC database: the embedded H2 file (in PostgreSQL mode) or PostgreSQL.
 * Both run the same migrations ({@code db/migration}) and the same SQL.
 */
public final class JdbcEventStore implements EventStore {

  /**
   * How many accounts workers use the store's connections: each hashes one password at a time, tens of
   * milliseconds of a core.
   */
  public static final int ACCOUNT_WORKERS = 2;

  /** How many rooms one locking query names. */
  private static final int LOCK_CHUNK = 500;
  private static final String COLUMNS = "room, seq, id, kind, sender, body, ts, epoch, service, target";
  private static final RoomEvent.Kind[] KINDS = RoomEvent.Kind.values();

  private final HikariDataSource dataSource;
  private final String description;
  /** Whether a commit must be followed by an explicit sync to be on the disk (H2 does not sync on commit). */
  private final boolean syncAfterCommit;

  private JdbcEventStore(HikariDataSource dataSource, String description, boolean syncAfterCommit) {
    this.dataSource = dataSource;
    this.description = description;
    this.syncAfterCommit = syncAfterCommit;
  }

  /**
   * Connects to the configured database and brings its schema up to date. Blocks.
   *
   * @throws StoreException saying what could not be opened and why
   */
  public static JdbcEventStore open(ChatbusConfig.Persistence config) {
    HikariConfig hikari = new HikariConfig();
    String description;
    if (config.store() == ChatbusConfig.Store.EMBEDDED) {
      Path file = Path.of(config.embeddedPath()).toAbsolutePath();
      description = "the embedded store " + file + ".mv.db";
      // PostgreSQL mode, so that one schema and one set of statements serve both stores. WRITE_DELAY=0
      // writes every commit to the file at once; the sync after it (see write) puts it on the disk.
      hikari.setJdbcUrl("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
      // The writer's connection and one for its sync, one per history reader, and one per accounts worker.
      hikari.setMaximumPoolSize(config.readers() + 2 + ACCOUNT_WORKERS);
    } else {
      description = "PostgreSQL at " + config.url();
      hikari.setJdbcUrl(config.url());
      hikari.setUsername(config.user());
      hikari.setPassword(config.password());
      hikari.setMaximumPoolSize(Math.max(config.poolSize(), config.readers() + 1 + ACCOUNT_WORKERS));
      hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
      // A server that stops answering (rather than refusing) must not hold the worker for minutes.
      hikari.addDataSourceProperty("socketTimeout", Long.toString(Math.max(10, 5 * config.connectTimeout().toSeconds())));
    }
    hikari.setPoolName("chatbus-store");
    hikari.setConnectionTimeout(config.connectTimeout().toMillis());
    hikari.setInitializationFailTimeout(config.connectTimeout().toMillis());
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StoreException(description + " cannot be opened: " + rootMessage(e), e);
    }
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw new StoreException(description + " cannot be brought up to date: " + rootMessage(e), e);
    }
    return new JdbcEventStore(dataSource, description, config.store() == ChatbusConfig.Store.EMBEDDED);
  }

  @Override
  public Map<String, Long> write(List<Persist.Batch> batches, Map<String, Long> alsoNumbered) throws SQLException {
    Map<String, Long> fenced = transaction(c -> {
      Map<String, Long> epochs = lockRooms(c, batches);
      Map<String, Long> refused = new HashMap<>();
      List<Persist.Batch> current = new ArrayList<>(batches.size());
      for (Persist.Batch b : batches) {
        current.add(unfenced(b, epochs, refused));
      }
      insertEvents(c, current);
      insertPrivates(c, current);
      advanceRooms(c, current, alsoNumbered);
      Topics.keep(c, current);
      return refused;
    });
    sync();
    return fenced;
  }

  /**
   * Locks the rows of the batches' rooms that exist (in name order, as every writer does, so two never wait
   * for each other) and returns their epochs: a claim waits for this write to commit, or this write for it.
   */
  private static Map<String, Long> lockRooms(Connection c, List<Persist.Batch> batches) throws SQLException {
    TreeSet<String> rooms = new TreeSet<>();
    for (Persist.Batch b : batches) {
      for (RoomEvent e : b.events()) {
        rooms.add(e.room());
      }
    }
    Map<String, Long> epochs = new HashMap<>();
    List<String> all = new ArrayList<>(rooms);
    for (int from = 0; from < all.size(); from += LOCK_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + LOCK_CHUNK));
      String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement ps = c.prepareStatement("SELECT room, epoch FROM room_state WHERE room IN (" + marks + ")"
        + " ORDER BY room FOR UPDATE")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            epochs.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
    }
    return epochs;
  }

  /** {@code b} without its events numbered under an older epoch than their room's, which go in {@code refused}. */
  private static Persist.Batch unfenced(Persist.Batch b, Map<String, Long> epochs, Map<String, Long> refused) {
    List<RoomEvent> kept = null;
    for (int i = 0; i < b.events().size(); i++) {
      RoomEvent e = b.events().get(i);
      Long epoch = epochs.get(e.room());
      boolean stale = epoch != null && e.epoch() < epoch;
      if (stale) {
        refused.put(e.room(), epoch);
        if (kept == null) {
          kept = new ArrayList<>(b.events().subList(0, i));
        }
      } else if (kept != null) {
        kept.add(e);
      }
    }
    return kept == null ? b : new Persist.Batch(b.no(), b.node(), kept, b.privates());
  }

  /** The accounts and the audit table, in this store's database. */
  public JdbcAccounts accounts() {
    return new JdbcAccounts(dataSource, syncAfterCommit);
  }

  /** Puts what was committed on the disk, where a commit alone does not (H2). */
  private void sync() throws SQLException {
    if (syncAfterCommit) {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.execute("CHECKPOINT SYNC");
      }
    }
  }

  /** Work on one connection, in one transaction. */
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a transaction of its own: committed if it returns, rolled back if it throws. */
  private <T> T transaction(SqlWork<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    }
  }

  // ON CONFLICT DO NOTHING: a batch written again after an unconfirmed commit changes nothing.
  private static void insertEvents(Connection c, List<Persist.Batch> batches) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO room_event (" + COLUMNS + ", node, chat) "
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      int rows = 0;
      for (Persist.Batch b : batches) {
        for (RoomEvent e : b.events()) {
          ps.setString(1, e.room());
          ps.setLong(2, e.seq());
          ps.setLong(3, Long.parseLong(e.id()));
          ps.setShort(4, (short) e.kind().ordinal());
          ps.setString(5, e.from());
          ps.setString(6, e.text());
          ps.setLong(7, e.ts());
          ps.setLong(8, e.epoch());
          ps.setBoolean(9, e.byService());
          ps.setString(10, e.target());
          ps.setString(11, b.node());
          ps.setBoolean(12, e.chat());
          ps.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        ps.executeBatch();
      }
    }
  }

  private static void insertPrivates(Connection c, List<Persist.Batch> batches) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO private_message (id, sender, recipient, body, action, ts, node, service) "
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      int rows = 0;
      for (Persist.Batch b : batches) {
        for (PrivateMessage pm : b.privates()) {
          ps.setLong(1, Long.parseLong(pm.id()));
          ps.setString(2, pm.from());
          ps.setString(3, pm.to());
          ps.setString(4, pm.text());
          ps.setBoolean(5, pm.action());
          ps.setLong(6, pm.ts());
          ps.setString(7, b.node());
          ps.setBoolean(8, pm.byService());
          ps.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        ps.executeBatch();
      }
    }
  }

  /** Records the latest sequence number of each room in the batches, or given out in {@code alsoNumbered}. */
  private static void advanceRooms(Connection c, List<Persist.Batch> batches, Map<String, Long> alsoNumbered)
    throws SQLException {
    Map<String, Long> latest = new LinkedHashMap<>(alsoNumbered);
    for (Persist.Batch b : batches) {
      for (RoomEvent e : b.events()) {
        latest.merge(e.room(), e.seq(), Math::max);
      }
    }
    try (PreparedStatement update = c.prepareStatement("UPDATE room_state SET last_seq = GREATEST(last_seq, ?) WHERE room = ?");
         PreparedStatement insert = c.prepareStatement("INSERT INTO room_state (room, last_seq) VALUES (?, ?)")) {
      for (Map.Entry<String, Long> e : latest.entrySet()) {
        update.setLong(1, e.getValue());
        update.setString(2, e.getKey());
        // A room's events are written by the worker of the node that owns it; a new owner's first write
        // follows its claim, which created the row.
        if (update.executeUpdate() == 0) {
          insert.setString(1, e.getKey());
          insert.setLong(2, e.getValue());
          insert.executeUpdate();
        }
      }
    }
  }

  /**
   * Reads the events, then the room's first kept and latest numbers: read after the events, the first kept
   * number is never older than what the events were read under, so a prune running meanwhile can make the
   * answer look incomplete, never complete when it is not. Every query walks an index from where its answer
   * starts, and never below the first number kept (the subquery): the cost is that of the answer, whatever
   * the room's size and whatever pruning left for the database to clean up. The ORDER BY names every column
   * of the index it reads, so that H2 reads it in order too rather than sorting the room's whole history.
   */
  @Override
  public Persist.Stored history(Persist.Query q) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<RoomEvent> events = events(c, q);
      try (PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq FROM room_state WHERE room = ?")) {
        ps.setString(1, q.room());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new Persist.Stored(events, rs.getLong(1), rs.getLong(2)) : new Persist.Stored(events, 1, 0);
        }
      }
    }
  }

  private static List<RoomEvent> events(Connection c, Persist.Query q) throws SQLException {
    boolean after = q.forwards();
    String chat = q.messagesOnly() ? " AND chat = TRUE" : "";
    String order = q.messagesOnly() ? (after ? "room, chat, seq" : "room DESC, chat DESC, seq DESC")
      : (after ? "room, seq" : "room DESC, seq DESC");
    String sql = "SELECT " + COLUMNS + " FROM room_event WHERE room = ?" + chat
      + " AND seq >= COALESCE((SELECT first_seq FROM room_state WHERE room = ?), 1) AND seq > ? AND seq < ?"
      + " ORDER BY " + order + " LIMIT ?";
    List<RoomEvent> events = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, q.room());
      ps.setString(2, q.room());
      ps.setLong(3, after ? q.afterSeq() : 0);
      ps.setLong(4, after ? Long.MAX_VALUE : q.beforeSeq());
      ps.setInt(5, q.limit());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new RoomEvent(KINDS[rs.getShort(4)], rs.getString(1), rs.getLong(2), Long.toString(rs.getLong(3)),
            rs.getLong(7), rs.getBoolean(9) ? RoomEvent.SERVICE : RoomEvent.NO_SESSION, rs.getString(5), rs.getString(6),
            rs.getLong(8), null, rs.getString(10), 0));
        }
      }
    }
    if (!after) {
      Collections.reverse(events);
    }
    return events;
  }

  /**
   * A message by its id (index room_event_id); a time by the events of the room from it on (room_event_time):
   * the earliest time at or after it, then the first number at that time, since several events may share a
   * millisecond. Events are numbered in the order of their times, to the clocks of the nodes that numbered them.
   */
  @Override
  public Persist.Located locate(Persist.Locate l) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long first = 1;
      long last = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq FROM room_state WHERE room = ?")) {
        ps.setString(1, l.room());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            first = rs.getLong(1);
            last = rs.getLong(2);
          }
        }
      }
      if (!l.byTime()) {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, ts FROM room_event WHERE room = ? AND id = ? AND seq >= ?")) {
          ps.setString(1, l.room());
          ps.setLong(2, l.value());
          ps.setLong(3, first);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Persist.Located(rs.getLong(1), -1, last, rs.getLong(2)) : new Persist.Located(-1, -1, last);
          }
        }
      }
      long at = firstFrom(c, l.room(), l.value(), first);
      long later = at < 0 ? -1 : firstFrom(c, l.room(), l.value() + 1, first);
      return new Persist.Located(at, later, last);
    }
  }

  /** The number of the first kept event of {@code room} at {@code time} or later; -1 when there is none. */
  private static long firstFrom(Connection c, String room, long time, long firstKept) throws SQLException {
    long at = one(c, "SELECT ts FROM room_event WHERE room = ? AND ts >= ? AND seq >= ? ORDER BY room, ts LIMIT 1",
      room, time, firstKept);
    return at < 0 ? -1 : one(c, "SELECT MIN(seq) FROM room_event WHERE room = ? AND ts = ? AND seq >= ?", room, at, firstKept);
  }

  /** The one number {@code sql} selects, given a room and two numbers; -1 when it selects none. */
  private static long one(Connection c, String sql, String room, long a, long b) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, room);
      ps.setLong(2, a);
      ps.setLong(3, b);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return -1;
        }
        long v = rs.getLong(1);
        return rs.wasNull() ? -1 : v;
      }
    }
  }

  @Override
  public Persist.Claimed claim(String room, long atLeast, String run) throws SQLException {
    Persist.Claimed result = transaction(c -> {
      // The row first (two nodes claiming a new room at once both get here), then the row locked.
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO room_state (room, last_seq, epoch) VALUES (?, 0, 0) "
        + "ON CONFLICT DO NOTHING")) {
        ps.setString(1, room);
        ps.executeUpdate();
      }
      Persist.Claimed claimed;
      try (PreparedStatement ps = c.prepareStatement(
        "SELECT epoch, last_seq, topic, topic_by, topic_at FROM room_state WHERE room = ? FOR UPDATE")) {
        ps.setString(1, room);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          claimed = new Persist.Claimed(room, Math.max(rs.getLong(1) + 1, atLeast), rs.getLong(2), Topics.read(rs, 3));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE room_state SET epoch = ?, claimed_by = ? WHERE room = ?")) {
        ps.setLong(1, claimed.epoch());
        ps.setString(2, run);
        ps.setString(3, room);
        ps.executeUpdate();
      }
      return claimed;
    });
    sync();
    return result;
  }

  @Override
  public Persist.Claimed look(String room, String run) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement(
           "SELECT epoch, last_seq, claimed_by, topic, topic_by, topic_at FROM room_state WHERE room = ?")) {
      ps.setString(1, room);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Persist.Claimed(room, 0, 0);
        }
        return new Persist.Claimed(room, run.equals(rs.getString(3)) ? rs.getLong(1) : 0, rs.getLong(2), Topics.read(rs, 4));
      }
    }
  }

  /**
   * Prunes room by room, each in a transaction that deletes the events up to a number and raises the
   * room's first kept number past it. By age, a room's cut is its newest event older than the limit, so
   * that what is kept of a room is always one run of numbers.
   */
  @Override
  public long prune(Set<String> rooms, long keepPerRoom, long olderThan) throws SQLException {
    Map<String, Long> cuts = new HashMap<>();
    try (Connection c = dataSource.getConnection()) {
      if (keepPerRoom > 0 && !rooms.isEmpty()) {
        try (PreparedStatement last = c.prepareStatement("SELECT last_seq FROM room_state WHERE room = ?")) {
          for (String room : rooms) {
            last.setString(1, room);
            try (ResultSet rs = last.executeQuery()) {
              if (rs.next() && rs.getLong(1) > keepPerRoom) {
                cuts.put(room, rs.getLong(1) - keepPerRoom);
              }
            }
          }
        }
      }
      if (olderThan > 0) {
        try (PreparedStatement old = c.prepareStatement("SELECT room, MAX(seq) FROM room_event WHERE ts < ? GROUP BY room")) {
          old.setLong(1, olderThan);
          try (ResultSet rs = old.executeQuery()) {
            while (rs.next()) {
              cuts.merge(rs.getString(1), rs.getLong(2), Math::max);
            }
          }
        }
      }
    }
    long removed = 0;
    for (Map.Entry<String, Long> cut : cuts.entrySet()) {
      removed += transaction(c -> cut(c, cut.getKey(), cut.getValue()));
    }
    if (olderThan > 0) {
      try (Connection c = dataSource.getConnection();
           PreparedStatement privates = c.prepareStatement("DELETE FROM private_message WHERE ts < ?")) {
        privates.setLong(1, olderThan);
        removed += privates.executeUpdate();
      }
    }
    return removed;
  }

  /** Removes the events of {@code room} up to {@code upTo}, from the first kept on. */
  private static long cut(Connection c, String room, long upTo) throws SQLException {
    long first;
    try (PreparedStatement ps = c.prepareStatement("SELECT first_seq FROM room_state WHERE room = ? FOR UPDATE")) {
      ps.setString(1, room);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getLong(1) > upTo) {
          return 0;
        }
        first = rs.getLong(1);
      }
    }
    try (PreparedStatement raise = c.prepareStatement("UPDATE room_state SET first_seq = ? WHERE room = ?");
         PreparedStatement delete = c.prepareStatement("DELETE FROM room_event WHERE room = ? AND seq >= ? AND seq <= ?")) {
      raise.setLong(1, upTo + 1);
      raise.setString(2, room);
      raise.executeUpdate();
      delete.setString(1, room);
      delete.setLong(2, first);
      delete.setLong(3, upTo);
      return delete.executeUpdate();
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  @Override
  public String toString() {
    return description;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
