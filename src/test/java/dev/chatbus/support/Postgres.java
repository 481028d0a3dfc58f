package dev.chatbus.support;

import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real PostgreSQL the tests run against: {@code CHATBUS_TEST_PG_URL} (by default the server on
 * 127.0.0.1:5432, database {@code chatbus_test}, made if missing), user {@code CHATBUS_TEST_PG_USER}
 * ({@code postgres}), password {@code CHATBUS_TEST_PG_PASSWORD} (none). Each test gets a schema of its own.
 */
public final class Postgres {

  public static final String URL = env("CHATBUS_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/chatbus_test");
  public static final String USER = env("CHATBUS_TEST_PG_USER", "postgres");
  public static final String PASSWORD = env("CHATBUS_TEST_PG_PASSWORD", "");

  private static boolean databaseChecked;

  private Postgres() {
  }

  /** A new, empty schema, and the JDBC URL whose connections use it. */
  public static String freshSchemaUrl() {
    return freshSchemaUrl(URL);
  }

  /** Like {@link #freshSchemaUrl()}, for a server reached at {@code url} (a proxy in front of it, say). */
  public static String freshSchemaUrl(String url) {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = connect(URL); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new AssertionError("cannot make a schema in " + URL, e);
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** The persistence settings of a node that keeps its history in a fresh schema reached at {@code url}. */
  public static JsonObject persistence(String url) {
    return new JsonObject().put("store", "postgresql")
      .put("postgresql", new JsonObject().put("url", url).put("user", USER).put("password", PASSWORD).put("poolSize", 2));
  }

  /** Runs one statement in the schema of {@code schemaUrl}. */
  public static void execute(String schemaUrl, String sql) {
    try (Connection c = connect(schemaUrl); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql, e);
    }
  }

  private static synchronized Connection connect(String url) throws SQLException {
    if (!databaseChecked) {
      createDatabaseIfMissing();
      databaseChecked = true;
    }
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  private static void createDatabaseIfMissing() throws SQLException {
    try (Connection ignored = DriverManager.getConnection(URL, USER, PASSWORD)) {
      return;
    } catch (SQLException e) {
      if (!"3D000".equals(e.getSQLState())) {
        throw e;
      }
    }
    String base = URL.contains("?") ? URL.substring(0, URL.indexOf('?')) : URL;
    String database = base.substring(base.lastIndexOf('/') + 1);
    String maintenance = base.substring(0, base.lastIndexOf('/') + 1) + "postgres";
    try (Connection c = DriverManager.getConnection(maintenance, USER, PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
  }

  private static String env(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? def : v;
  }
}
