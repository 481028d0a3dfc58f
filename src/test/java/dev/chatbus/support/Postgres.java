package dev.chatbus.support;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real PostgreSQL the tests run against, each test in a schema of its own, in the database
 * {@code chatbus_test} (made if missing) as user {@code CHATBUS_TEST_PG_USER} ({@code postgres}) with
 * password {@code CHATBUS_TEST_PG_PASSWORD} (none). Which server:
 * <ul>
 *   <li>{@code CHATBUS_TEST_PG_URL}, a JDBC URL, when it is set;</li>
 *   <li>otherwise the server on 127.0.0.1:5432, when one answers there;</li>
 *   <li>otherwise, or when {@code CHATBUS_TEST_PG_URL} is {@code embedded}, a PostgreSQL started for this
 *       test run from the binaries on the test classpath ({@link #embedded()}), so that a machine with
 *       only a JDK runs every PostgreSQL test.</li>
 * </ul>
 */
public final class Postgres {

  public static final String USER = env("CHATBUS_TEST_PG_USER", "postgres");
  public static final String PASSWORD = env("CHATBUS_TEST_PG_PASSWORD", "");

  private static final String DATABASE = "chatbus_test";
  private static final String LOCAL_HOST = "127.0.0.1";
  private static final int LOCAL_PORT = 5432;

  private static String url;
  private static EmbeddedPostgres embedded;

  private Postgres() {
  }

  /** The JDBC URL of the test database, the server chosen as the class comment says. */
  public static synchronized String url() {
    if (url == null) {
      String configured = env("CHATBUS_TEST_PG_URL", "");
      if (!configured.isEmpty() && !configured.equals("embedded")) {
        url = configured;
      } else if (configured.isEmpty() && answers(LOCAL_HOST, LOCAL_PORT)) {
        url = "jdbc:postgresql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/" + DATABASE;
      } else {
        url = "jdbc:postgresql://" + LOCAL_HOST + ":" + embedded().getPort() + "/" + DATABASE;
        System.err.println("PostgreSQL tests: " + (configured.isEmpty() ? "no server on " + LOCAL_HOST + ":" + LOCAL_PORT
          + ", so they use" : "as CHATBUS_TEST_PG_URL asks, they use") + " an embedded PostgreSQL on port " + embedded().getPort());
      }
      createDatabaseIfMissing(url);
    }
    return url;
  }

  /** The port of the test database's server, for a proxy in front of it. */
  public static int port() {
    int port = URI.create(url().substring("jdbc:".length())).getPort();
    return port == -1 ? LOCAL_PORT : port;
  }

  /** The test database's URL reached through {@code port} on 127.0.0.1 instead (a proxy in front of it, say). */
  public static String urlThrough(int port) {
    URI direct = URI.create(url().substring("jdbc:".length()));
    return "jdbc:postgresql://" + LOCAL_HOST + ":" + port + direct.getRawPath()
      + (direct.getRawQuery() == null ? "" : "?" + direct.getRawQuery());
  }

  /**
   * The PostgreSQL this test run starts itself, from the binaries on the test classpath, on a free port of
   * its own with trust authentication; it is stopped when the tests' JVM exits. Its server processes run
   * in a user namespace of their own ({@code unshare -U}) when the tests run as root, as PostgreSQL does
   * not run as root; where that cannot be done, the tests that need it are skipped, saying why.
   */
  public static synchronized EmbeddedPostgres embedded() {
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
      } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
        if ("root".equals(System.getProperty("user.name"))) {
          throw new TestAbortedException("skipped: no PostgreSQL server is reachable, and the embedded one cannot start:"
            + " PostgreSQL refuses to run as root, and this machine does not let root start it in a user namespace"
            + " of its own (unshare -U). Run the tests as another user, or point CHATBUS_TEST_PG_URL at a server.", e);
        }
        throw new AssertionError("the embedded PostgreSQL did not start", e);
      }
    }
    return embedded;
  }

  /** A new, empty schema, and the JDBC URL whose connections use it. */
  public static String freshSchemaUrl() {
    return freshSchemaUrl(url());
  }

  /** Like {@link #freshSchemaUrl()}, in the database at {@code url} (the test database through a proxy, say). */
  public static String freshSchemaUrl(String url) {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
    execute(url, "CREATE SCHEMA " + schema);
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** The persistence settings of a node that keeps its history in a fresh schema reached at {@code url}. */
  public static JsonObject persistence(String url) {
    return new JsonObject().put("store", "postgresql")
      .put("postgresql", new JsonObject().put("url", url).put("user", USER).put("password", PASSWORD).put("poolSize", 2));
  }

  /** Runs one statement in the schema of {@code schemaUrl}. */
  public static void execute(String schemaUrl, String sql) {
    try (Connection c = DriverManager.getConnection(schemaUrl, USER, PASSWORD); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql + " in " + schemaUrl, e);
    }
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void createDatabaseIfMissing(String url) {
    try (Connection ignored = DriverManager.getConnection(url, USER, PASSWORD)) {
      return;
    } catch (SQLException e) {
      if (!"3D000".equals(e.getSQLState())) {
        throw new AssertionError("cannot reach the test database at " + url, e);
      }
    }
    String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    String database = base.substring(base.lastIndexOf('/') + 1);
    execute(base.substring(0, base.lastIndexOf('/') + 1) + "postgres", "CREATE DATABASE " + database);
  }

  private static String env(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? def : v;
  }
}
