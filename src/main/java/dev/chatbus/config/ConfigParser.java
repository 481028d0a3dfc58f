package dev.chatbus.config;

import dev.chatbus.account.Passwords;
import dev.chatbus.config.ChatbusConfig.Bridge;
import dev.chatbus.config.ChatbusConfig.Cluster;
import dev.chatbus.config.ChatbusConfig.History;
import dev.chatbus.config.ChatbusConfig.Http;
import dev.chatbus.config.ChatbusConfig.Irc;
import dev.chatbus.config.ChatbusConfig.Limits;
import dev.chatbus.config.ChatbusConfig.Naming;
import dev.chatbus.config.ChatbusConfig.Persistence;
import dev.chatbus.config.ChatbusConfig.Rate;
import dev.chatbus.config.ChatbusConfig.Retention;
import dev.chatbus.config.ChatbusConfig.Rooms;
import dev.chatbus.config.ChatbusConfig.SlowConsumer;
import dev.chatbus.config.ChatbusConfig.Store;
import dev.chatbus.config.ChatbusConfig.Tcp;
import dev.chatbus.http.Origins;
import dev.chatbus.protocol.Names;
import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads every setting of a {@link ChatbusConfig} from its layers ({@link Settings}), with its default and
 * its rule, and the rules between settings; the first value that breaks one stops start-up, named with
 * its key.
 */
final class ConfigParser {

  /** The longest {@code history.replayTimeout}: well within the 30 s a client's request waits for the router. */
  private static final Duration MAX_REPLAY_TIMEOUT = Duration.ofSeconds(20);

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]{0,64}");
  /** An IRC server or network name: one word, which IRC clients take as a host name. */
  private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9._-]{0,63}");

  private ConfigParser() {
  }

  /** See {@link ChatbusConfig#parse(JsonObject, JsonObject, Consumer)}. */
  static ChatbusConfig parse(JsonObject settings, JsonObject overrides, Consumer<String> warn) {
    Settings s = new Settings(settings, overrides);
    String nodeName = s.string("node.name", "");
    if (!NODE_NAME.matcher(nodeName).matches()) {
      throw new ConfigException("node.name: at most 64 letters, digits, '.', '_' or '-', got '" + nodeName + "'");
    }
    Tcp tcp = new Tcp(
      s.string("tcp.host", "0.0.0.0"),
      s.integer("tcp.port", 7000, -1, 65535),
      s.integer("tcp.tlsPort", 7443, -1, 65535),
      resolveInstances(s.integer("tcp.instances", 0, 0, 256)),
      (int) s.bytes("tcp.sendBufferBytes", 0, 0, 64 << 20));
    Irc irc = new Irc(
      s.bool("irc.enabled", true),
      s.string("irc.host", "0.0.0.0"),
      s.integer("irc.port", 6667, -1, 65535),
      s.integer("irc.tlsPort", 6697, -1, 65535),
      s.string("irc.serverName", ""),
      s.string("irc.network", "Chatbus"),
      s.string("irc.password", ""),
      s.string("irc.motd", ""),
      s.duration("irc.pingAfter", Duration.ofSeconds(120), Duration.ofMillis(1)));
    if (!SERVER_NAME.matcher(irc.serverName()).matches()) {
      throw new ConfigException("irc.serverName: at most 63 letters, digits, '.', '_' or '-', got '" + irc.serverName() + "'");
    }
    if (!SERVER_NAME.matcher(irc.network()).matches() || irc.network().isEmpty()) {
      throw new ConfigException("irc.network: 1 to 63 letters, digits, '.', '_' or '-', got '" + irc.network() + "'");
    }
    ChatbusConfig.Tls tls = tls(s);
    String defaultRoom = s.string("rooms.default", "lobby");
    String normalizedRoom = Names.room(defaultRoom);
    if (normalizedRoom == null) {
      throw new ConfigException("rooms.default: " + Names.roomProblem(defaultRoom) + ", got '" + defaultRoom + "'");
    }
    Rooms rooms = new Rooms(normalizedRoom, s.integer("rooms.maxPerClient", 100, 1, 100_000),
      s.integer("rooms.announceUpTo", 1000, 0, Integer.MAX_VALUE),
      s.duration("rooms.evictAfter", Duration.ofMinutes(1), Duration.ofMillis(1)),
      s.integer("rooms.maxCreatedPerMinute", 30, 1, 1_000_000_000),
      s.bool("rooms.defaultRoomOperators", false));
    Rate rate = new Rate(
      s.decimal("limits.rate.linesPerSecond", 20, 0.001),
      s.integer("limits.rate.burst", 40, 1, 1_000_000),
      s.duration("limits.rate.disconnectAfter", Duration.ofSeconds(3), Duration.ZERO));
    SlowConsumer slow = new SlowConsumer(
      s.bytes("limits.slowConsumer.queueBytes", 256 << 10, 1 << 10, 1L << 30),
      s.bytes("limits.slowConsumer.maxQueueBytes", 1 << 20, 1 << 10, 1L << 30),
      s.duration("limits.slowConsumer.maxTime", Duration.ofSeconds(10), Duration.ofMillis(1)));
    if (slow.maxQueueBytes() < slow.queueBytes()) {
      throw new ConfigException("limits.slowConsumer.maxQueueBytes: must be at least limits.slowConsumer.queueBytes ("
        + slow.queueBytes() + "), got " + slow.maxQueueBytes());
    }
    Limits limits = new Limits(
      (int) s.bytes("limits.maxLineBytes", 4096, 64, 1 << 20),
      s.duration("limits.loginTimeout", Duration.ofSeconds(10), Duration.ofMillis(1)),
      s.duration("limits.idleTimeout", Duration.ofSeconds(300), Duration.ofMillis(1)),
      rate,
      slow,
      s.integer("limits.maxConnections", 100_000, 1, 10_000_000),
      s.integer("limits.maxConnectionsPerIp", 64, 1, 10_000_000),
      s.bool("limits.loopbackExempt", true),
      ipAddresses("limits.perIpExempt", s.list("limits.perIpExempt", List.of())));
    Naming naming = new Naming(
      nameKeys("names.reserved", s.list("names.reserved", ChatbusConfig.RESERVED_NAMES)),
      nameKeys("names.services", s.list("names.services", List.of())));
    for (String service : naming.services()) {
      if (naming.reserved().contains(service)) {
        throw new ConfigException("names.services: '" + service + "' is also in names.reserved");
      }
    }
    History history = new History(
      s.integer("history.replayOnJoin", 20, 0, 1000),
      s.integer("history.maxPerRequest", 1000, 1, 100_000),
      s.bytes("history.maxBytes", Math.min(128 << 10, limits.slowConsumer().maxQueueBytes() / 2), 512, 64 << 20),
      s.duration("history.replayTimeout", Duration.ofSeconds(2), Duration.ofMillis(1)));
    if (history.replayTimeout().compareTo(MAX_REPLAY_TIMEOUT) > 0) {
      throw new ConfigException("history.replayTimeout: must be at most " + MAX_REPLAY_TIMEOUT.toSeconds()
        + "s, below what a client's requests wait for the node, got " + history.replayTimeout().toMillis() + "ms");
    }
    if (history.maxBytes() > limits.slowConsumer().maxQueueBytes() / 2) {
      throw new ConfigException("history.maxBytes: must be at most half of limits.slowConsumer.maxQueueBytes ("
        + limits.slowConsumer().maxQueueBytes() / 2 + "), so that an answer never cuts its reader off, got " + history.maxBytes());
    }
    Persistence persistence = persistence(s);
    Duration grace = s.duration("shutdown.grace", Duration.ofSeconds(10), Duration.ZERO);
    Cluster cluster = new Cluster(
      s.bool("cluster.enabled", false),
      s.string("cluster.name", "chatbus"),
      s.list("cluster.members", List.of("127.0.0.1")),
      s.string("cluster.interface", ""),
      s.integer("cluster.port", 5701, 1, 65535),
      s.duration("cluster.discoverEvery", Duration.ofSeconds(2), Duration.ofMillis(10)),
      s.integer("cluster.expectedSize", 0, 0, 1000),
      clusterTls(s));
    if (cluster.name().isBlank()) {
      throw new ConfigException("cluster.name: must not be empty");
    }
    if (cluster.members().isEmpty()) {
      throw new ConfigException("cluster.members: list at least one address to look for other nodes at");
    }
    Bridge bridge = new Bridge(
      s.bool("bridge.enabled", true),
      s.string("bridge.host", "127.0.0.1"),
      s.integer("bridge.port", 7001, -1, 65535),
      s.integer("bridge.tlsPort", 7002, -1, 65535),
      (int) s.bytes("bridge.maxFrameBytes", 64 << 10, 256, 16 << 20),
      s.bytes("bridge.maxQueueBytes", 1 << 20, 1 << 10, 1L << 30),
      s.duration("bridge.idleTimeout", Duration.ofSeconds(300), Duration.ofMillis(1)),
      s.integer("bridge.maxConnections", 1000, 1, 1_000_000),
      s.integer("bridge.maxConnectionsPerIp", 64, 1, 1_000_000),
      s.duration("bridge.firstFrameTimeout", Duration.ofSeconds(5), Duration.ofMillis(1)),
      s.integer("bridge.maxPending", 16, 1, 1_000_000),
      s.string("bridge.token", ""));
    if (bridge.enabled() && bridge.token().isEmpty() && !isLoopback(bridge.host())) {
      throw new ConfigException("bridge.token: the bridge listens on " + bridge.host() + ", beyond this machine, where "
        + "anyone who reaches it could speak as any service; set a token, or bridge.host to 127.0.0.1");
    }
    Http http = new Http(
      s.bool("http.enabled", true),
      s.string("http.host", "0.0.0.0"),
      s.integer("http.port", 8080, -1, 65535),
      s.integer("http.tlsPort", 8443, -1, 65535),
      s.string("http.token", ""),
      s.string("http.readToken", ""),
      s.integer("http.maxConnections", 1000, 1, 1_000_000),
      s.integer("http.maxConnectionsPerIp", 64, 1, 1_000_000),
      s.duration("http.headerTimeout", Duration.ofSeconds(10), Duration.ofMillis(1)),
      s.duration("http.idleTimeout", Duration.ofSeconds(60), Duration.ofMillis(1)),
      s.decimal("http.readsPerSecond", 10, 0.001),
      s.integer("http.readBurst", 20, 1, 1_000_000),
      (int) s.bytes("http.sendBufferBytes", 0, 0, 64 << 20),
      origins(s.list("http.allowedOrigins", List.of())));
    if (!http.readToken().isEmpty() && http.readToken().equals(http.token())) {
      throw new ConfigException("http.readToken: must differ from http.token, which reads as well");
    }
    boolean metrics = s.bool("metrics.enabled", true);
    ChatbusConfig.Accounts accounts = new ChatbusConfig.Accounts(
      s.bool("accounts.registration", true),
      s.bool("accounts.required", false),
      s.integer("accounts.maxFailures", 5, 1, 1_000_000),
      s.integer("accounts.maxFailuresPerAddress", 20, 1, 1_000_000),
      s.duration("accounts.lockout", Duration.ofMinutes(15), Duration.ofMillis(1)),
      s.integer("accounts.minPasswordLength", 8, 1, Passwords.MAX_LENGTH));
    if (accounts.required() && persistence.store() == ChatbusConfig.Store.NONE) {
      throw new ConfigException("accounts.required: accounts are kept in the store, and persistence.store is none");
    }
    ChatbusConfig.TokenSettings tokens = new ChatbusConfig.TokenSettings(s.string("tokens.secret", ""));
    if (tokens.enabled() && tokens.secret().getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("tokens.secret: must be at least 32 bytes (HS256's key size), got "
        + tokens.secret().getBytes(StandardCharsets.UTF_8).length);
    }
    ChatbusConfig.ServerOperators operators = operators(s.list("operators", List.of()));
    for (String variable : s.rejectUnknown(ChatbusConfig.NOT_SETTINGS)) {
      warn.accept(variable + ": not a Chatbus setting; ignored");
    }
    ChatbusConfig config = new ChatbusConfig(nodeName, tcp, irc, tls, rooms, naming, operators, accounts, tokens, limits, history,
      persistence, grace, cluster,
      bridge, http, metrics);
    if (cluster.enabled()) {
      config.checkClusterable();
    }
    return config;
  }

  /** {@code cluster.tls}: all three files, or none. */
  private static ChatbusConfig.Tls clusterTls(Settings s) {
    String cert = s.string("cluster.tls.cert", "");
    String key = s.string("cluster.tls.key", "");
    String ca = s.string("cluster.tls.ca", "");
    if (!(cert.isEmpty() && key.isEmpty() && ca.isEmpty()) && (cert.isEmpty() || key.isEmpty() || ca.isEmpty())) {
      throw new ConfigException("cluster.tls: cert, key and ca go together (the node's certificate, its key, and the "
        + "cluster's authority), got " + (cert.isEmpty() ? "no cert" : key.isEmpty() ? "no key" : "no ca"));
    }
    return new ChatbusConfig.Tls(cert, key, ca, ca.isEmpty() ? ChatbusConfig.Tls.ClientAuth.NONE
      : ChatbusConfig.Tls.ClientAuth.REQUIRE, Duration.ofSeconds(10));
  }

  private static ChatbusConfig.Tls tls(Settings s) {
    String auth = s.string("tls.clientAuth", "none");
    ChatbusConfig.Tls.ClientAuth clientAuth = switch (auth) {
      case "none" -> ChatbusConfig.Tls.ClientAuth.NONE;
      case "request" -> ChatbusConfig.Tls.ClientAuth.REQUEST;
      case "require" -> ChatbusConfig.Tls.ClientAuth.REQUIRE;
      default -> throw new ConfigException("tls.clientAuth: expected none, request or require, got '" + auth + "'");
    };
    ChatbusConfig.Tls tls = new ChatbusConfig.Tls(s.string("tls.cert", ""), s.string("tls.key", ""),
      s.string("tls.clientCa", ""), clientAuth, s.duration("tls.checkEvery", Duration.ofSeconds(10), Duration.ofMillis(10)));
    if (tls.cert().isEmpty() != tls.key().isEmpty()) {
      throw new ConfigException(tls.cert().isEmpty() ? "tls.cert: needed with tls.key" : "tls.key: needed with tls.cert");
    }
    if (clientAuth != ChatbusConfig.Tls.ClientAuth.NONE && tls.clientCa().isEmpty()) {
      throw new ConfigException("tls.clientCa: needed to ask for client certificates (tls.clientAuth " + auth + ")");
    }
    if (!tls.clientCa().isEmpty() && !tls.enabled()) {
      throw new ConfigException("tls.clientCa: needs tls.cert and tls.key");
    }
    return tls;
  }

  private static Persistence persistence(Settings s) {
    String store = s.string("persistence.store", "embedded");
    Store kind;
    switch (store) {
      case "embedded":
        kind = Store.EMBEDDED;
        break;
      case "postgresql":
        kind = Store.POSTGRESQL;
        break;
      case "none":
        kind = Store.NONE;
        break;
      default:
        throw new ConfigException("persistence.store: expected embedded, postgresql or none, got '" + store + "'");
    }
    String url = s.string("persistence.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/chatbus");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("persistence.postgresql.url: expected a jdbc:postgresql: URL, got '" + url + "'");
    }
    String path = s.string("persistence.embedded.path", "data/chatbus");
    if (path.isEmpty() || path.endsWith("/") || path.contains(";")) {
      throw new ConfigException("persistence.embedded.path: expected a file path without ';' such as data/chatbus, got '" + path + "'");
    }
    Retention retention = new Retention(
      s.integer("persistence.retention.maxEventsPerRoom", 100_000, 0, Integer.MAX_VALUE),
      s.duration("persistence.retention.maxAge", Duration.ofDays(30), Duration.ZERO),
      s.duration("persistence.retention.interval", Duration.ofMinutes(1), Duration.ofMillis(10)));
    Persistence p = new Persistence(kind, path, url,
      s.string("persistence.postgresql.user", "chatbus"),
      s.string("persistence.postgresql.password", ""),
      s.integer("persistence.postgresql.poolSize", 4, 1, 100),
      s.duration("persistence.connectTimeout", Duration.ofSeconds(2), Duration.ofMillis(250)),
      s.integer("persistence.batch.maxEvents", 500, 1, 100_000),
      s.duration("persistence.batch.maxDelay", Duration.ofMillis(5), Duration.ZERO),
      s.integer("persistence.buffer.maxEvents", 100_000, 1, 100_000_000),
      s.duration("persistence.retry.first", Duration.ofMillis(100), Duration.ofMillis(1)),
      s.duration("persistence.retry.max", Duration.ofSeconds(5), Duration.ofMillis(1)),
      retention,
      s.integer("persistence.readers", 2, 1, 64),
      s.integer("persistence.maxWaitingReads", 1000, 0, 1_000_000));
    if (p.retryMax().compareTo(p.retryFirst()) < 0) {
      throw new ConfigException("persistence.retry.max: must be at least persistence.retry.first ("
        + p.retryFirst().toMillis() + "ms), got " + p.retryMax().toMillis() + "ms");
    }
    return p;
  }

  /**
   * {@code operators}: {@code name:password} pairs, the password everything after the first colon; or account
   * names alone.
   */
  private static ChatbusConfig.ServerOperators operators(List<String> pairs) {
    Map<String, String> passwords = new HashMap<>();
    Set<String> accounts = new HashSet<>();
    for (String pair : pairs) {
      int colon = pair.indexOf(':');
      if (colon < 0) {
        String problem = Names.nameProblem(pair);
        if (problem != null) {
          throw new ConfigException("operators: '" + pair + "' is no account's name: " + problem);
        }
        accounts.add(Names.nameKey(pair));
        continue;
      }
      if (colon == 0 || colon == pair.length() - 1) {
        // The entry is not repeated: it may be a password.
        throw new ConfigException("operators: every entry is name:password, with neither empty"
          + (colon > 0 ? " (the one for '" + pair.substring(0, colon) + "' is not)" : ""));
      }
      if (passwords.put(pair.substring(0, colon), pair.substring(colon + 1)) != null) {
        throw new ConfigException("operators: '" + pair.substring(0, colon) + "' is given twice");
      }
    }
    return new ChatbusConfig.ServerOperators(passwords, accounts);
  }

  /** The keys of valid user names. */
  private static Set<String> nameKeys(String key, List<String> values) {
    Set<String> keys = new HashSet<>();
    for (String v : values) {
      String problem = Names.nameProblem(v);
      if (problem != null) {
        throw new ConfigException(key + ": '" + v + "' is not a valid name: " + problem);
      }
      keys.add(Names.nameKey(v));
    }
    return keys;
  }

  /** Whether {@code host} names this machine only: a loopback address, or {@code localhost}. */
  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    java.net.InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
    return address != null && address.isLoopbackAddress();
  }

  private static Set<String> ipAddresses(String key, List<String> values) {
    for (String v : values) {
      if (!NetUtil.isValidIpV4Address(v) && !NetUtil.isValidIpV6Address(v)) {
        throw new ConfigException(key + ": '" + v + "' is not an IP address");
      }
    }
    return Set.copyOf(values);
  }

  /** Web origins, each {@code scheme://host[:port]} (kept as {@link Origins#normalize} gives it), or {@code *}. */
  private static List<String> origins(List<String> values) {
    List<String> origins = new ArrayList<>();
    for (String v : values) {
      String o = v.equals("*") ? v : Origins.normalize(v);
      if (o == null) {
        throw new ConfigException("http.allowedOrigins: '" + v + "' is not an origin (scheme://host[:port], "
          + "as https://chat.example.org) or *");
      }
      origins.add(o);
    }
    return List.copyOf(origins);
  }

  private static int resolveInstances(int configured) {
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }
}
