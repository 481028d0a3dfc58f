package dev.chatbus.config;

import dev.chatbus.protocol.Names;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole configuration of one node, validated and immutable. Each component is given only its slice.
 * <p>
 * Built by {@link #parse} from {@code conf/config.json}, the deployment config, environment variables and
 * system properties (see {@link ConfigLoader}); every key and its default is listed in README.md.
 *
 * @param nodeName      this node's name, unique in a cluster; empty means the host name
 * @param tcp           the client port
 * @param irc           the IRC port
 * @param operators     who may become a server operator, and with what password
 * @param accounts      registered names: whether users may register, whether they must to talk, and the
 *                      failed-login limits
 * @param tokens        the key of the signed tokens programs show (bridge, REST, JSON clients)
 * @param rooms         room policy
 * @param naming        names kept from users: reserved ones, and those of services
 * @param limits        per-connection and per-node limits
 * @param history       what clients are shown of the past
 * @param persistence   where and how events are stored
 * @param shutdownGrace how long a graceful shutdown lets clients' queued lines drain (and the store catch up)
 * @param cluster       whether and how the node joins a cluster
 * @param bridge        the TCP event-bus bridge for services
 * @param http          the HTTP port: health, metrics, REST
 * @param metrics       whether Vert.x and Chatbus keep metrics (served on {@code /metrics})
 */
public record ChatbusConfig(String nodeName, Tcp tcp, Irc irc, Tls tls, Rooms rooms, Naming naming, ServerOperators operators,
                            Accounts accounts, TokenSettings tokens, Limits limits, History history,
                            Persistence persistence, Duration shutdownGrace, Cluster cluster, Bridge bridge,
                            Http http, boolean metrics) {

  /**
   * The system properties and environment variables Chatbus reads that are not settings: where the
   * configuration file is, where the cluster's Hazelcast file is, whether to use the native transport, and
   * how to log (read before logging starts, by the {@code chatbus} command).
   */
  public static final Set<String> NOT_SETTINGS = Set.of(ConfigLoader.PATH_PROPERTY, ConfigLoader.PATH_ENV,
    "chatbus.cluster.config", "chatbus.nativeTransport", "chatbus.log.format", "CHATBUS_LOG_FORMAT");


  /** {@code text} as a duration, as settings write them ({@code 30s}, {@code 5m}, {@code 30d}), or null. */
  public static Duration parseDuration(String text) {
    return Settings.parseDuration(text);
  }

  /** The names no user or service may take unless told otherwise: they would pass for the server or its staff. */
  public static final List<String> RESERVED_NAMES = List.of("admin", "administrator", "chatbus", "moderator",
    "operator", "root", "server", "service", "system");


  /**
   * @param host            the address to listen on
   * @param port            the port; 0 picks a free one, -1 opens none
   * @param tlsPort         the port for clients over TLS, when {@link Tls} is set up; 0 picks a free one,
   *                        -1 opens none
   * @param instances       edge verticle instances (event loops serving clients)
   * @param sendBufferBytes the socket send buffer per client; 0 leaves it to the operating system
   */
  public record Tcp(String host, int port, int tlsPort, int instances, int sendBufferBytes) {
  }

  /**
   * TLS, for every listener with a TLS port; the files are PEM, read again when they change (checked every
   * {@code checkEvery}), so that new connections get a renewed certificate.
   *
   * @param cert       the server's certificate chain, its own first; empty: no TLS port opens
   * @param key        its private key, PKCS#8
   * @param clientCa   the certificates of the authorities whose client certificates are accepted; empty
   *                   for none
   * @param clientAuth whether a client certificate is asked for (signed by {@code clientCa})
   * @param checkEvery how often the files are looked at for a change
   */
  public record Tls(String cert, String key, String clientCa, ClientAuth clientAuth, Duration checkEvery) {
    /** Whether a client must present a certificate, may, or is not asked for one. */
    public enum ClientAuth { NONE, REQUEST, REQUIRE }

    public boolean enabled() {
      return !cert.isEmpty();
    }
  }

  /**
   * @param enabled    whether the IRC port listens
   * @param host       the address to listen on
   * @param port       the port; 0 picks a free one, -1 opens none
   * @param tlsPort    the port for IRC over TLS, when {@link Tls} is set up; 0 picks a free one, -1 opens none
   * @param serverName the name the server gives itself to IRC clients; empty means the node's name
   * @param network    the network's name IRC clients are told
   * @param password   the server password IRC clients must give ({@code PASS}); empty for none
   * @param motd       the message of the day, its lines separated by new lines; empty for none
   * @param pingAfter  how long an IRC client may be silent before it is sent a PING; silent as long again
   *                   after that, it is disconnected
   */
  public record Irc(boolean enabled, String host, int port, int tlsPort, String serverName, String network, String password,
                    String motd, Duration pingAfter) {
  }

  /**
   * @param defaultRoom  the room every client enters on login, and text clients return to on {@code /leave}
   * @param maxPerClient how many rooms one JSON client may be in at once
   * @param announceUpTo the largest room in which joins, leaves and renames are announced; in a larger room
   *                     they are neither sent to the members nor kept in its history
   * @param evictAfter   how long a room no one is in stays in its owner's memory after it was last used; it
   *                     is taken up again from the store when next used
   * @param maxCreatedPerMinute how many rooms no one was in one client may enter in a minute (at once, or
   *                     spread out)
   * @param defaultRoomOperators whether the default room has operators as every other room does (the first
   *                     to enter it when no one is in it); without, no one moderates it
   */
  public record Rooms(String defaultRoom, int maxPerClient, int announceUpTo, Duration evictAfter,
                      int maxCreatedPerMinute, boolean defaultRoomOperators) {
  }

  /**
   * The server operators ({@code operators}): accounts, by name ({@code alice}), whose users are server
   * operators once identified; and {@code name:password} pairs, kept as written, a user who gives one (IRC's
   * {@code OPER}, text's {@code /oper}, JSON's {@code oper}) becoming one. A server operator is an operator of
   * every room. Each entry is trimmed, and from an environment variable or a property the list is split at
   * commas, so a password there holds no comma and neither starts nor ends with a space.
   *
   * @param accounts the accounts' name keys
   */
  public record ServerOperators(Map<String, String> passwords, Set<String> accounts) {
    public ServerOperators {
      passwords = Map.copyOf(passwords);
      accounts = Set.copyOf(accounts);
    }

    /** Whether {@code account} (null for a guest) is a server operator's. */
    public boolean isAccount(String account) {
      return account != null && accounts.contains(Names.nameKey(account));
    }

    /** Whether {@code password} is {@code name}'s; compared in constant time, so that timing tells nothing. */
    public boolean admits(String name, String password) {
      String expected = passwords.get(name);
      byte[] given = password.getBytes(StandardCharsets.UTF_8);
      return expected != null & MessageDigest.isEqual(given, (expected == null ? "" : expected).getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Accounts ({@code accounts.*}): a user may register the name it holds with a password, and from then on
   * no one else may take the name, online or not, without that password. Accounts are kept in the store
   * (with {@code persistence.store: none} there are none, and registering is refused).
   *
   * @param registration          whether users may register names; without it, only accounts registered
   *                              before may identify
   * @param required              whether only identified users may talk (in rooms and privately); guests may
   *                              still log in, read, and register
   * @param maxFailures           failed logins for one name within {@code lockout} after which the name may
   *                              not be tried until the window has passed
   * @param maxFailuresPerAddress the same, from one address (the per-address limits' exemptions apply)
   * @param lockout               the window failures are counted in
   * @param minPasswordLength     the fewest characters a new account's password may have
   */
  public record Accounts(boolean registration, boolean required, int maxFailures, int maxFailuresPerAddress,
                         Duration lockout, int minPasswordLength) {
  }

  /**
   * Signed tokens ({@code tokens.secret}): the HS256 key of the JWTs that programs show to the bridge, the
   * REST API and as JSON clients, each naming who it is and which rooms it may read and post in. Empty
   * turns them off (the shared {@code bridge.token} and {@code http.token} remain).
   */
  public record TokenSettings(String secret) {
    public boolean enabled() {
      return !secret.isEmpty();
    }

    @Override
    public String toString() {
      return "TokenSettings[" + (enabled() ? "secret set" : "off") + "]";
    }
  }

  /**
   * Names kept from users. Both sets hold the names' keys ({@link Names#nameKey}).
   *
   * @param reserved names no user and no service may speak as
   * @param services the names services speak under: no user may take one, and when there are any, services
   *                 may use no other; when empty, a service may use any name no user holds
   */
  public record Naming(Set<String> reserved, Set<String> services) {
    public Naming {
      reserved = Set.copyOf(reserved);
      services = Set.copyOf(services);
    }

    /** Why a user may not take {@code name}, or null if it may. */
    public String userProblem(String name) {
      String key = Names.nameKey(name);
      if (reserved.contains(key)) {
        return "the name " + name + " is reserved";
      }
      return services.contains(key) ? "the name " + name + " belongs to a service" : null;
    }

    /** Why a service may not speak as {@code name}, or null if it may. */
    public String serviceProblem(String name) {
      String key = Names.nameKey(name);
      if (reserved.contains(key)) {
        return "the name " + name + " is reserved";
      }
      return services.isEmpty() || services.contains(key) ? null
        : name + " is not one of the service names (names.services)";
    }
  }

  /**
   * @param enabled       whether the node joins a cluster (as the launcher's {@code -cluster} does)
   * @param name          the cluster's name: only nodes with the same name form one network
   * @param members       where to look for other nodes: addresses, optionally with a port or a range
   *                      ({@code 10.0.0.5}, {@code 10.0.0.5:5702}, {@code 10.0.0.5-9})
   * @param iface         the local interface Hazelcast binds to (an address, wildcards allowed), or empty
   *                      for any
   * @param port          Hazelcast's port; the next ones are tried when it is taken
   * @param discoverEvery how often a router looks for routers it has not met yet
   * @param expectedSize  how many nodes the cluster has when whole, for split-brain protection: a node that
   *                      reaches fewer than half of them besides itself (a majority, itself counted) takes
   *                      up no room and no name, and numbers none; 0 for no such protection
   * @param tls           the event bus between the nodes over TLS with mutual authentication: each node
   *                      presents its certificate ({@code cert}, {@code key}) and accepts only certificates
   *                      of the cluster's authority ({@code clientCa}); disabled when {@code cert} is empty.
   *                      Read when Vert.x starts, not again ({@code checkEvery} is unused); Hazelcast's own
   *                      traffic is not encrypted
   */
  public record Cluster(boolean enabled, String name, List<String> members, String iface, int port,
                        Duration discoverEvery, int expectedSize, Tls tls) {
    /** How many nodes, this one counted, a node must reach to take rooms and names up: 1 without protection. */
    public int quorum() {
      return expectedSize / 2 + 1;
    }
  }

  /**
   * @param enabled        whether the bridge listens
   * @param host           the address to listen on
   * @param port           the port; 0 picks a free one, -1 opens none
   * @param tlsPort        the port over TLS, when {@link Tls} is set up; 0 picks a free one, -1 opens none
   * @param maxFrameBytes  the largest frame a bridge client may send; a longer one closes its connection
   * @param maxQueueBytes  bytes queued for a bridge client beyond which it is disconnected
   * @param idleTimeout    how long a bridge client may send nothing (not even a ping) before it is disconnected
   * @param maxConnections open bridge connections, beyond which new ones are refused
   * @param maxConnectionsPerIp open bridge connections per remote address (exempt as for the client port)
   * @param firstFrameTimeout how long a new client has to send its first valid frame (with the token, when
   *                       one is set)
   * @param maxPending     clients that have not sent a valid first frame yet; when one more comes, the
   *                       oldest of them is closed
   * @param token          the secret every client shows (in the {@code token} header) before its first frame
   *                       is accepted; empty for none, which only a bridge on a loopback address may have
   */
  public record Bridge(boolean enabled, String host, int port, int tlsPort, int maxFrameBytes, long maxQueueBytes,
                       Duration idleTimeout, int maxConnections, int maxConnectionsPerIp, Duration firstFrameTimeout,
                       int maxPending, String token) {
  }

  /**
   * @param enabled             whether the HTTP port listens
   * @param host                the address to listen on
   * @param port                the port; 0 picks a free one, -1 opens none
   * @param tlsPort             the port for HTTPS, when {@link Tls} is set up; 0 picks a free one, -1 opens none
   * @param token               the bearer token the REST API needs, to read and to post; empty turns it off
   * @param readToken           a bearer token that reads only (rooms, members, history); empty for none
   * @param maxConnections      open HTTP connections, beyond which new ones are closed at once
   * @param maxConnectionsPerIp open HTTP connections per remote address (exempt as for the client port)
   * @param headerTimeout       how long a connection may take to send a request's headers
   * @param idleTimeout         how long a connection may go without reading or writing anything
   * @param readsPerSecond      REST reads per second per remote address
   * @param readBurst           REST reads one remote address may make at once
   * @param sendBufferBytes     the socket send buffer per HTTP connection; 0 leaves it to the operating system
   * @param allowedOrigins      the web origins ({@code https://chat.example.org}) whose pages may open the chat's
   *                            WebSocket besides the server's own; {@code *} allows every one
   */
  public record Http(boolean enabled, String host, int port, int tlsPort, String token, String readToken, int maxConnections,
                     int maxConnectionsPerIp, Duration headerTimeout, Duration idleTimeout, double readsPerSecond,
                     int readBurst, int sendBufferBytes, List<String> allowedOrigins) {
  }

  /**
   * @param linesPerSecond  the steady rate of lines a client may send
   * @param burst           how many lines a client may send at once
   * @param disconnectAfter how long a client may stay over the rate before it is disconnected
   */
  public record Rate(double linesPerSecond, int burst, Duration disconnectAfter) {
  }

  /**
   * @param queueBytes    bytes queued for a client beyond which deliveries to it are dropped
   * @param maxQueueBytes bytes queued beyond which the client is disconnected
   * @param maxTime       how long a client may stay over {@code queueBytes} before it is disconnected
   */
  public record SlowConsumer(long queueBytes, long maxQueueBytes, Duration maxTime) {
  }

  /**
   * @param maxLineBytes        the longest line a client may send, without its line ending
   * @param loginTimeout        how long a new connection has to log in
   * @param idleTimeout         how long a client may send nothing before it is disconnected
   * @param rate                the per-connection rate limit
   * @param slowConsumer        the policy for clients that do not read
   * @param maxConnections      open client connections per node
   * @param maxConnectionsPerIp open client connections per remote address
   * @param loopbackExempt      whether the per-address limit spares loopback addresses (127.0.0.0/8, ::1)
   * @param perIpExempt         other remote addresses the per-address limit does not apply to
   */
  public record Limits(int maxLineBytes, Duration loginTimeout, Duration idleTimeout, Rate rate,
                       SlowConsumer slowConsumer, int maxConnections, int maxConnectionsPerIp, boolean loopbackExempt,
                       Set<String> perIpExempt) {
    public Limits {
      perIpExempt = Set.copyOf(perIpExempt);
    }

    /** The addresses these limits, and every other per-address limit, spare. */
    public Spared spared() {
      return new Spared(loopbackExempt, perIpExempt);
    }
  }

  /**
   * @param replayOnJoin  how many earlier messages a client is shown when it enters a room; 0 shows none
   * @param maxPerRequest the most events one history request returns
   * @param maxBytes      the most one history answer holds, roughly as JSON; the rest is left for a next page
   * @param replayTimeout the longest a login or join waits for the room and its earlier messages: past it the
   *                      client goes in without them, and is told
   */
  public record History(int replayOnJoin, int maxPerRequest, long maxBytes, Duration replayTimeout) {
    /** What an event costs at most in an answer, as a whole IRC line with its tags (or a JSON event). */
    private static final int MAX_EVENT_BYTES = 640;

    /**
     * The most events one window of history answers with (IRC's {@code CHATHISTORY}, ISUPPORT
     * {@code CHATHISTORY}): as many as fit in {@code maxBytes} at a whole line each, so that an answer of
     * ordinary messages is never cut short, and at most {@code maxPerRequest}.
     */
    public int windowLimit() {
      return (int) Math.max(1, Math.min(maxPerRequest, maxBytes / MAX_EVENT_BYTES));
    }
  }

  /** Which database holds the history. */
  public enum Store {
    /** An H2 file under {@code data/}: no set-up, one node. */
    EMBEDDED,
    /** A PostgreSQL server: for clusters, or for operators who already run one. */
    POSTGRESQL,
    /** Nothing is kept: no history, and room numbering starts again with every start. */
    NONE
  }

  /**
   * @param store          which database
   * @param embeddedPath   the embedded database's file, without its {@code .mv.db} ending
   * @param url            the PostgreSQL JDBC URL
   * @param user           the PostgreSQL user
   * @param password       the PostgreSQL password
   * @param poolSize       PostgreSQL connections
   * @param connectTimeout how long to wait for a database connection before counting an attempt as failed
   * @param batchMaxEvents events that make the router send a batch to the store at once
   * @param batchMaxDelay  the longest an event waits for its batch to fill; 0 sends each event on its own
   * @param bufferMaxEvents events kept while the store cannot take them; past this the oldest are dropped
   * @param retryFirst     the first wait before writing again after a failure, doubled each time
   * @param retryMax       the longest wait between attempts
   * @param retention      what the store forgets, and when
   * @param readers        history readers: threads that read the store, each one read at a time
   * @param maxWaitingReads reads that may wait for a reader, beyond which more are refused as busy
   */
  public record Persistence(Store store, String embeddedPath, String url, String user, String password, int poolSize,
                            Duration connectTimeout, int batchMaxEvents, Duration batchMaxDelay, int bufferMaxEvents,
                            Duration retryFirst, Duration retryMax, Retention retention, int readers,
                            int maxWaitingReads) {
  }

  /**
   * @param maxEventsPerRoom events kept per room, the newest; 0 keeps all
   * @param maxAge           events older than this are removed; 0 keeps them forever
   * @param interval         how often the store is pruned
   */
  public record Retention(long maxEventsPerRoom, Duration maxAge, Duration interval) {
  }

  /** What the edge verticle needs. */
  public record Edge(Tcp tcp, Irc irc, Tls tls, Rooms rooms, ServerOperators operators, Accounts accounts, boolean stored,
                     Limits limits, History history, Duration shutdownGrace) {
  }

  public Edge edge() {
    return new Edge(tcp, irc, tls, rooms, operators, accounts, persistence.store() != Store.NONE, limits, history,
      shutdownGrace);
  }

  /**
   * What the room router needs.
   *
   * @param node          this node's name
   * @param limits        where the addresses spared the per-address limits are set, which the room quota
   *                      spares too
   * @param discoverEvery how often a clustered router looks for routers it has not met
   * @param quorum        how many routers, this one counted, it must reach to take rooms and names up
   *                      ({@link Cluster#quorum}), when it is clustered
   * @param grace         how long stopping waits for the store to confirm what it acknowledges
   */
  public record Router(String node, Rooms rooms, Naming naming, History history, Persistence persistence,
                       Limits limits, Duration discoverEvery, int quorum, Duration grace, ServerOperators operators) {
  }

  public Router router() {
    return new Router(nodeName, rooms, naming, history, persistence, limits, cluster.discoverEvery(), cluster.quorum(),
      shutdownGrace, operators);
  }

  /** This configuration with the node name filled in, when it was left empty. */
  public ChatbusConfig withNodeName(String name) {
    return new ChatbusConfig(name, tcp, irc, tls, rooms, naming, operators, accounts, tokens, limits, history, persistence, shutdownGrace, cluster, bridge, http,
      metrics);
  }

  /**
   * Checks that this node can join a cluster.
   *
   * @throws ConfigException if it keeps its history where no other node could read it
   */
  public void checkClusterable() {
    if (persistence.store() == Store.EMBEDDED) {
      throw new ConfigException("persistence.store: the nodes of a cluster share one history, so a cluster needs "
        + "postgresql (or none), got embedded");
    }
  }

  /** Like {@link #parse(JsonObject, JsonObject)} without environment variables or system properties. */
  public static ChatbusConfig parse(JsonObject settings) {
    return parse(settings, new JsonObject());
  }

  /** Like {@link #parse(JsonObject, JsonObject, Consumer)}, keeping no warning. */
  public static ChatbusConfig parse(JsonObject settings, JsonObject overrides) {
    return parse(settings, overrides, warning -> { });
  }

  /**
   * Reads and validates every setting.
   *
   * @param settings  the nested JSON settings: the configuration file with the deployment config over it
   * @param overrides environment variables and system properties, flat
   * @param warn      told of each environment variable that looks like a setting and is not (ignored)
   * @throws ConfigException naming the first key that is invalid or unknown
   */
  public static ChatbusConfig parse(JsonObject settings, JsonObject overrides, Consumer<String> warn) {
    return ConfigParser.parse(settings, overrides, warn);
  }
}
