package dev.chatbus.persist;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The accounts and the audit table, in the store's database (tables {@code account} and {@code audit}).
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
