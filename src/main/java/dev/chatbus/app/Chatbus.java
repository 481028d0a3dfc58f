package dev.chatbus.app;

import ch.qos.logback.classic.LoggerContext;
import dev.chatbus.cluster.HazelcastSetup;
import dev.chatbus.tls.ServerTls;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.config.ConfigException;
import dev.chatbus.config.ConfigLoader;
import dev.chatbus.metrics.NodeMetrics;
import io.vertx.core.VertxBuilder;
import io.vertx.core.Deployable;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The {@code chatbus} command: the Vert.x launcher with Chatbus's main verticle.
 * <p>
 * Takes the launcher's options ({@code -conf FILE|JSON}, {@code -cluster} (or {@code -c},
 * {@code --cluster}), {@code -instances N} for the number of edge instances, {@code -options} for
 * Vert.x), and {@code --version}; {@code chatbus token ...} prints a signed token instead
 * ({@link TokenCommand}). SIGTERM and SIGINT shut the node down gracefully and exit with status 0.
 * {@code CHATBUS_LOG_FORMAT} or {@code -Dchatbus.log.format} ({@code text}, the default, or {@code json}) says
 * how it logs.
 */
public final class Chatbus implements VertxApplicationHooks {

  private static final String LOGBACK_PROPERTY = "logback.configurationFile";
  private static final Path LOGBACK_FILE = Path.of("conf", "logback.xml");
  /** How the node logs ({@code text} or {@code json}): read by {@code logback.xml}, chosen before anything is logged. */
  public static final String LOG_FORMAT_PROPERTY = "chatbus.log.format";
  public static final String LOG_FORMAT_ENV = "CHATBUS_LOG_FORMAT";
  private static final List<String> LOG_FORMATS = List.of("text", "json");

  /** The launcher's ways of saying that the node joins a cluster. */
  private static final List<String> CLUSTER_FLAGS = List.of("-c", "-cluster", "--cluster");
  private static final List<String> VERSION_FLAGS = List.of("--version", "-version", "-V");

  /** How long a shutdown may take before Vert.x is closed anyway: the edge's, the router's and the store's grace. */
  private final Duration shutdownWait;
  /** The cluster settings, used if the launcher clusters. */
  private final ChatbusConfig.Cluster cluster;
  private final boolean metrics;
  /** Built before Vert.x, handed to the node. */
  private NodeMetrics nodeMetrics;
  private ClusterManager clusterManager;
  private volatile MainVerticle main;

  private Chatbus(ChatbusConfig config) {
    this.cluster = config.cluster();
    this.metrics = config.metrics();
    this.shutdownWait = config.shutdownGrace().multipliedBy(3).plusSeconds(30);
  }

  public static void main(String[] args) {
    if (Arrays.stream(args).anyMatch(VERSION_FLAGS::contains)) {
      System.out.println("chatbus " + version());
      return;
    }
    if (System.getProperty(LOGBACK_PROPERTY) == null && Files.isRegularFile(LOGBACK_FILE)) {
      System.setProperty(LOGBACK_PROPERTY, LOGBACK_FILE.toString());
    }
    String logFormat = System.getProperty(LOG_FORMAT_PROPERTY, System.getenv().getOrDefault(LOG_FORMAT_ENV, "text"));
    if (!LOG_FORMATS.contains(logFormat)) {
      System.err.println("chatbus: " + LOG_FORMAT_ENV + " (or -D" + LOG_FORMAT_PROPERTY + "): expected text or json, got '"
        + logFormat + "'");
      System.exit(1);
      return;
    }
    System.setProperty(LOG_FORMAT_PROPERTY, logFormat);
    // The cluster.enabled setting is known before Vert.x starts, and says what -cluster would.
    ChatbusConfig config;
    try {
      config = ConfigLoader.loadNow(deploymentConfig(args));
      if (args.length > 0 && args[0].equals("token")) {
        System.exit(TokenCommand.run(Arrays.copyOfRange(args, 1, args.length), config, System.out, System.err));
        return;
      }
      if (config.cluster().enabled()) {
        config.checkClusterable();
      }
    } catch (ConfigException e) {
      System.err.println("chatbus: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (config.cluster().enabled() && Arrays.stream(args).noneMatch(CLUSTER_FLAGS::contains)) {
      args = Stream.concat(Stream.of("-cluster"), Arrays.stream(args)).toArray(String[]::new);
    }
    // A signal ends the JVM with status 128+n unless handled; exiting from the handler runs the
    // launcher's shutdown hook (vertx.close(), hence the graceful shutdown) and then exits with 0.
    Signal.handle(new Signal("TERM"), sig -> System.exit(0));
    Signal.handle(new Signal("INT"), sig -> System.exit(0));
    // The launcher is created only now, so that its logger starts after the logback setting above.
    new VertxApplication(args, new Chatbus(config)).launch();
  }

  private static String version() {
    try {
      return MainVerticle.readVersion();
    } catch (IOException e) {
      return "(unknown: " + e.getMessage() + ")";
    }
  }

  /** The launcher's {@code -conf} (a JSON object or a file), or null. */
  private static JsonObject deploymentConfig(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String value = args[i].startsWith("-conf=") ? args[i].substring(6)
        : args[i].equals("-conf") && i + 1 < args.length ? args[i + 1] : null;
      if (value != null) {
        try {
          return new JsonObject(value.trim().startsWith("{") ? value : Files.readString(Path.of(value)));
        } catch (IOException | RuntimeException e) {
          throw new ConfigException("-conf " + value + " cannot be read: " + e.getMessage());
        }
      }
    }
    return null;
  }

  /**
   * Vert.x with metrics (unless {@code metrics.enabled} is false) and Chatbus's Hazelcast set-up
   * ({@code conf/cluster.xml} and the cluster settings), which the launcher uses when it clusters, however
   * it was told to, and ignores when it does not.
   */
  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    nodeMetrics = metrics ? NodeMetrics.create() : NodeMetrics.disabled();
    clusterManager = HazelcastSetup.onJoin(cluster);
    return nodeMetrics.vertxBuilder(options).withClusterManager(clusterManager);
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> main = new MainVerticle(nodeMetrics, clusterManager);
  }

  /**
   * SIGTERM, SIGINT, or a start that failed: the node shuts down in order (clients told, queues drained,
   * everything accepted written) before Vert.x closes, which would stop its parts all at once. The launcher
   * closes Vert.x from a thread of its own, which waits here.
   */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    MainVerticle node = main;
    if (node == null) {
      return;
    }
    try {
      node.shutdown().await(shutdownWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LoggerFactory.getLogger(Chatbus.class).warn("the shutdown took longer than {} s; stopping anyway",
        shutdownWait.toSeconds());
    }
  }

  /**
   * The native transport (epoll on Linux) when the platform has it, NIO otherwise or with
   * {@code -Dchatbus.nativeTransport=false}; the event bus between nodes over TLS when {@code cluster.tls}
   * says so; and, unless
   * {@code -options} says otherwise, one event loop per core rather than Vert.x's two: the edge runs one
   * instance per core, and more loops than cores only adds switching between them.
   */
  @Override
  public void beforeStartingVertx(HookContext context) {
    VertxOptions options = context.vertxOptions();
    options.setPreferNativeTransport(!"false".equals(System.getProperty("chatbus.nativeTransport")));
    if (cluster.tls().enabled()) {
      ServerTls.secure(options.getEventBusOptions(), cluster.tls());
    }
    if (options.getEventLoopPoolSize() == VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE) {
      options.setEventLoopPoolSize(Runtime.getRuntime().availableProcessors());
    }
  }

  /** {@code -instances N} sets the number of edge instances; the main verticle itself runs once. */
  @Override
  public void beforeDeployingVerticle(HookContext context) {
    int instances = context.deploymentOptions().getInstances();
    if (instances > 1) {
      JsonObject conf = context.deploymentOptions().getConfig();
      conf.put("tcp", conf.getJsonObject("tcp", new JsonObject()).put("instances", instances));
      context.deploymentOptions().setInstances(1);
    }
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    flushLogs();
  }

  @Override
  public void afterFailureToStopVertx(HookContext context, Throwable t) {
    flushLogs();
  }

  /** The last lines (the shutdown's, or why start-up failed) may still be queued in an asynchronous appender. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    LoggerFactory.getLogger(Chatbus.class).error("exiting: {}", t == null ? "start-up timed out" : t.getMessage());
    context.vertx().close();
  }
}
