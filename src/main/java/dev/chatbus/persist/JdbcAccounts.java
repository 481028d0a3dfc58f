package dev.chatbus.persist;

import dev.chatbus.bus.Registration;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomFlag;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The accounts, the registered and the closed rooms, the server's address bans and the audit table, in the
 * store's database (tables {@code account}, {@code registered_room}, {@code closed_room}, {@code server_ban}
 * and {@code audit}).
 * Every method blocks: only the accounts workers call them. Names are unique by their key across every
 * node sharing the database, since the key is the table's primary key.
 */
public final class JdbcAccounts {

  /** A registered name, as registered, and its password's hash. */
  public record Account(String name, String passwordHash) {
    @Override
    public String toString() {
      return "Account[" + name + "]";
    }
  }

  private final DataSource dataSource;
  private final boolean syncAfterCommit;

  JdbcAccounts(DataSource dataSource, boolean syncAfterCommit) {
    this.dataSource = dataSource;
    this.syncAfterCommit = syncAfterCommit;
  }

  /** The keys of every name registered at {@code since} (epoch milliseconds) or later. */
  public List<String> keys(long since) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT name_key FROM account WHERE created_at >= ?")) {
      s.setLong(1, since);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
    }
    return keys;
  }

  /** The account whose name has the key {@code key}, or null. */
  public Account find(String key) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT name, password_hash FROM account WHERE name_key = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Account(rs.getString(1), rs.getString(2)) : null;
      }
    }
  }

  /** Registers {@code name} (key {@code key}); false if an account has the key already. */
  public boolean create(String key, String name, String passwordHash, long now) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("INSERT INTO account (name_key, name, password_hash, created_at) "
           + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, key);
      s.setString(2, name);
      s.setString(3, passwordHash);
      s.setLong(4, now);
      boolean created = s.executeUpdate() == 1;
      sync(c);
      return created;
    }
  }

  /** Notes that the account with key {@code key} logged in at {@code now}. */
  public void loggedIn(String key, long now) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("UPDATE account SET last_login_at = ? WHERE name_key = ?")) {
      s.setLong(1, now);
      s.setString(2, key);
      s.executeUpdate();
    }
  }

  /** Every registered room. */
  public List<Registration> registeredRooms() throws SQLException {
    List<Registration> rooms = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT room, founder, operators, flags, room_key, max_members, bans, changed_at "
           + "FROM registered_room")) {
      while (rs.next()) {
        List<Reply.Ban> bans = new ArrayList<>();
        for (Object o : new JsonArray(rs.getString(7))) {
          JsonObject b = (JsonObject) o;
          bans.add(new Reply.Ban(b.getString("mask"), b.getString("by"), b.getLong("at")));
        }
        String operators = rs.getString(3).strip();
        rooms.add(new Registration(rs.getString(1), rs.getString(2), operators.isEmpty() ? List.of()
          : List.of(operators.split(" ")), RoomFlag.ofBits(rs.getInt(4)), rs.getString(5), rs.getInt(6), bans, rs.getLong(8)));
      }
    }
    return rooms;
  }

  /**
   * Keeps {@code r}, or drops its room's registration when it is a dropped one; unless what is kept is
   * newer (a change written late changes nothing).
   */
  public void saveRoom(Registration r) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (r.isDropped()) {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM registered_room WHERE room = ? AND changed_at <= ?")) {
          d.setString(1, r.room());
          d.setLong(2, r.changedAt());
          d.executeUpdate();
        }
      } else {
        int updated;
        try (PreparedStatement u = c.prepareStatement("UPDATE registered_room SET founder = ?, operators = ?, flags = ?, "
          + "room_key = ?, max_members = ?, bans = ?, changed_at = ? WHERE room = ? AND changed_at <= ?")) {
          bindRoom(u, r);
          u.setLong(9, r.changedAt());
          updated = u.executeUpdate();
        }
        if (updated == 0) {
          try (PreparedStatement i = c.prepareStatement("INSERT INTO registered_room (founder, operators, flags, "
            + "room_key, max_members, bans, changed_at, room) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            bindRoom(i, r);
            i.executeUpdate();
          }
        }
      }
      sync(c);
    }
  }

  /** Sets parameters 1 to 8 of an UPDATE or an INSERT of {@code r}: its columns, then its room. */
  private static void bindRoom(PreparedStatement s, Registration r) throws SQLException {
    JsonArray bans = new JsonArray();
    r.bans().forEach(b -> bans.add(new JsonObject().put("mask", b.mask()).put("by", b.by()).put("at", b.at())));
    s.setString(1, r.founder());
    s.setString(2, String.join(" ", r.operators()));
    s.setInt(3, RoomFlag.bits(r.flags()));
    s.setString(4, r.key());
    s.setInt(5, r.limit());
    s.setString(6, bans.encode());
    s.setLong(7, r.changedAt());
    s.setString(8, r.room());
  }

  /** The closed rooms, with why. */
  public Map<String, String> closedRooms() throws SQLException {
    return reasons("SELECT room, reason FROM closed_room");
  }

  /** Closes {@code room}, by {@code by} for {@code reason}; or, with a null reason, opens it. */
  public void closeRoom(String room, String by, String reason, long now) throws SQLException {
    setReason("closed_room", "room", "closed_by", "closed_at", room, by, reason, now);
  }

  /** The banned addresses (and names), with why. */
  public Map<String, String> serverBans() throws SQLException {
    return reasons("SELECT address, reason FROM server_ban");
  }

  /** Bans {@code address}, by {@code by} for {@code reason}; or, with a null reason, lifts its ban. */
  public void serverBan(String address, String by, String reason, long now) throws SQLException {
    setReason("server_ban", "address", "set_by", "set_at", address, by, reason, now);
  }

  /** The rows of a table of keys and why (the two columns {@code select} reads); an empty why for none. */
  private Map<String, String> reasons(String select) throws SQLException {
    Map<String, String> reasons = new HashMap<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(select)) {
      while (rs.next()) {
        reasons.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
      }
    }
    return reasons;
  }

  /**
   * Sets {@code key}'s row of {@code table} to {@code reason}, by {@code by} at {@code now}; or, with a null
   * reason, removes it. One transaction.
   */
  private void setReason(String table, String keyColumn, String byColumn, String atColumn, String key, String by,
                         String reason, long now) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE " + keyColumn + " = ?")) {
        d.setString(1, key);
        d.executeUpdate();
      }
      if (reason != null) {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (" + keyColumn + ", " + byColumn + ", "
          + atColumn + ", reason) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
          s.setString(1, key);
          s.setString(2, by);
          s.setLong(3, now);
          s.setString(4, reason);
          s.executeUpdate();
        }
      }
      c.commit();
      sync(c);
    }
  }

  /** Records that {@code actor} did {@code action} to {@code target}, from {@code address}, on {@code node}. */
  public void audit(long ts, String actor, String action, String target, String address, String detail, String node)
    throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("INSERT INTO audit (ts, actor, action, target, address, detail, node) "
           + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setLong(1, ts);
      s.setString(2, actor);
      s.setString(3, action);
      s.setString(4, target);
      s.setString(5, address);
      s.setString(6, detail);
      s.setString(7, node);
      s.executeUpdate();
      sync(c);
    }
  }

  /** Puts what was committed on the disk, where a commit alone does not (H2). */
  private void sync(Connection c) throws SQLException {
    if (syncAfterCommit) {
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT SYNC");
      }
    }
  }
}
