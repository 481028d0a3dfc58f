package dev.chatbus.app;

import dev.chatbus.account.AccountsVerticle;
import dev.chatbus.account.ClosedRooms;
import dev.chatbus.account.LoginFailures;
import dev.chatbus.account.Passwords;
import dev.chatbus.account.RegisteredNames;
import dev.chatbus.account.RegisteredRooms;
import dev.chatbus.account.ServerBans;
import dev.chatbus.account.Tokens;
import dev.chatbus.api.ApiVerticle;
import dev.chatbus.bridge.BridgeServerVerticle;
import dev.chatbus.bus.Addresses;
import dev.chatbus.bus.BusCodecs;
import dev.chatbus.bus.Registration;
import dev.chatbus.cluster.Membership;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.config.ConfigLoader;
import dev.chatbus.edge.ConnectionLimits;
import dev.chatbus.edge.EdgeNode;
import dev.chatbus.edge.TcpServerVerticle;
import dev.chatbus.http.HttpServerVerticle;
import dev.chatbus.tls.ServerTls;
import dev.chatbus.metrics.NodeMetrics;
import dev.chatbus.metrics.StatsVerticle;
import dev.chatbus.persist.HistoryReaderVerticle;
import dev.chatbus.persist.JdbcEventStore;
import dev.chatbus.persist.PersistenceVerticle;
import dev.chatbus.protocol.ServerInfo;
import dev.chatbus.room.RoomRouterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts one Chatbus node: loads the configuration, registers the bus codecs, then deploys in a chain
 * the persistence worker (the store open and up to date) and the history readers over the same store, the
 * router, and the edge (one instance per configured event loop), so nothing accepts clients before what
 * it needs is up.
 * <p>
 * Shutting down runs the chain backwards: the edge first (goodbyes, drained queues), then the router (its
 * last batch handed to the worker), the readers, then the worker (everything written, the store closed).
 * Vert.x undeploys child deployments all at once, so whoever stops the node calls {@link #shutdown()}
 * before closing Vert.x: the {@code chatbus} command does so on SIGTERM and SIGINT, before Vert.x stops.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private final List<TcpServerVerticle> edges = new CopyOnWriteArrayList<>();
  private final NodeMetrics metrics;
  /** The cluster manager Vert.x was built with, or null when it was built without one. */
  private final ClusterManager clusterManager;
  /** The ordered shutdown, once begun. */
  private Future<Void> shutdown;
  private EdgeNode edgeNode;
  /** Every registered name, for the edges to check logins against without asking the store. */
  private final RegisteredNames registeredNames = new RegisteredNames();
  /** The addresses banned from the network, for the edges to refuse. */
  private final ServerBans serverBans = new ServerBans();
  /** The registered rooms, for the router to take up with what their registrations keep. */
  private final RegisteredRooms registeredRooms = new RegisteredRooms();
  /** The rooms server operators closed, which the router keeps everyone else out of. */
  private final ClosedRooms closedRooms = new ClosedRooms();
  /** The periodic check of the TLS files; -1 without TLS. */
  private long tlsTimer = -1;
  /** Whether HTTP or the bridge failed to take the TLS files as they last changed. */
  private volatile boolean tlsBehind;
  private String persistDeployment;
  private String readersDeployment;
  private String accountsDeployment;
  private String routerDeployment;
  private String edgeDeployment;
  private String apiDeployment;
  private String statsDeployment;
  private ApiVerticle api;
  private BridgeServerVerticle bridge;
  private String bridgeDeployment;
  private HttpServerVerticle http;
  private String httpDeployment;

  /**
   * @param metrics        the node's metrics, which Vert.x's own were built to go to
   *                       ({@link NodeMetrics#vertxBuilder})
   * @param clusterManager the cluster manager Vert.x was built with, or null when it was built without one
   */
  public MainVerticle(NodeMetrics metrics, ClusterManager clusterManager) {
    this.metrics = metrics;
    this.clusterManager = clusterManager;
  }

  @Override
  public Future<?> start() {
    Future<String> version = vertx.executeBlocking(MainVerticle::readVersion);
    return ConfigLoader.load(vertx, config())
      .compose(cfg -> version.compose(v -> deploy(cfg, v)))
      .onFailure(err -> log.error("Chatbus did not start: {}", err.getMessage()));
  }

  private Future<?> deploy(ChatbusConfig cfg, String version) {
    if (vertx.isClustered()) {
      cfg.checkClusterable();
    }
    BusCodecs.register(vertx.eventBus());
    // What server operators and room operators change, from any node (this one's too): registrations, closed
    // rooms, bans of addresses and names (as ServerBans keeps them).
    vertx.eventBus().<Registration>consumer(Addresses.ROOM_REGISTRATIONS, msg -> registeredRooms.apply(msg.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.CLOSED_ROOMS,
      msg -> closedRooms.set(msg.body().getString("room"), msg.body().getString("reason")));
    vertx.eventBus().<JsonObject>consumer(Addresses.SERVER_BANS,
      msg -> serverBans.set(msg.body().getString("address"), msg.body().getString("reason")));
    return nodeTag().compose(tag -> deploy(cfg, version, tag));
  }

  /**
   * The number that keeps this node's session numbers and message ids apart from other nodes': taken from
   * a counter shared by the cluster, so that no two of the last 1024 nodes started share one.
   */
  private Future<Integer> nodeTag() {
    if (!vertx.isClustered()) {
      return Future.succeededFuture(ThreadLocalRandom.current().nextInt(1 << 16));
    }
    return vertx.sharedData().getCounter("chatbus.nodeTags")
      .compose(counter -> counter.getAndIncrement())
      .map(n -> (int) (n & 0xffff));
  }

  private Future<?> deploy(ChatbusConfig cfg, String version, int nodeTag) {
    return (cfg.tls().enabled() ? vertx.executeBlocking(() -> ServerTls.load(cfg.tls())) : Future.<ServerTls>succeededFuture())
      .compose(tls -> deploy(cfg, version, nodeTag, tls));
  }

  /** Deploys the node's parts, with {@code tls} for the TLS ports (null when there are none). */
  private Future<?> deploy(ChatbusConfig cfg, String version, int nodeTag, ServerTls tls) {
    ServerInfo server = new ServerInfo("chatbus " + version, cfg.nodeName(), cfg.rooms().defaultRoom());
    Membership membership = Membership.of(vertx, clusterManager);
    if (tls != null) {
      // A renewed certificate serves new connections from the next check on.
      tlsTimer = vertx.setPeriodic(cfg.tls().checkEvery().toMillis(), id -> vertx.executeBlocking(tls::reloadIfChanged)
        .onSuccess(changed -> {
          if (changed || tlsBehind) {
            reloadTls();
          }
        }));
    }
    AtomicInteger instance = new AtomicInteger();
    Tokens tokens = cfg.tokens().enabled() ? Tokens.create(vertx, cfg.tokens().secret()) : null;
    RoomRouterVerticle router = new RoomRouterVerticle(cfg.router(), nodeTag, membership, metrics, registeredRooms,
      registeredNames, closedRooms, serverBans);
    return store(cfg, metrics)
      .compose(id -> {
        persistDeployment = id;
        return vertx.deployVerticle(router);
      })
      .compose(id -> {
        routerDeployment = id;
        // The tag the router took: the counter's, unless a running router has it.
        edgeNode = new EdgeNode(new ConnectionLimits(cfg.limits().maxConnections(), cfg.limits().maxConnectionsPerIp(),
          cfg.limits().spared()), router.tag(), metrics, tls, registeredNames, tokens, serverBans);
        api = new ApiVerticle(cfg.nodeName(), cfg, metrics);
        return vertx.deployVerticle(api);
      })
      .compose(id -> {
        apiDeployment = id;
        return vertx.deployVerticle(new StatsVerticle(cfg.nodeName(), metrics, StatsVerticle.EVERY));
      })
      .compose(id -> {
        statsDeployment = id;
        return vertx.deployVerticle(() -> {
          TcpServerVerticle edge = new TcpServerVerticle(cfg.edge(), server, edgeNode, instance.getAndIncrement());
          edges.add(edge);
          return edge;
        }, new DeploymentOptions().setInstances(cfg.tcp().instances()));
      })
      .compose(id -> {
        edgeDeployment = id;
        if (!cfg.bridge().enabled()) {
          return Future.succeededFuture();
        }
        bridge = new BridgeServerVerticle(cfg.bridge(), cfg.limits(), metrics, tls, tokens, serverBans);
        return vertx.deployVerticle(bridge);
      })
      .compose(id -> {
        bridgeDeployment = id;
        if (!cfg.http().enabled()) {
          return Future.succeededFuture();
        }
        http = new HttpServerVerticle(cfg.http(), cfg.limits(), edgeNode, metrics, membership,
          cfg.persistence().store() != ChatbusConfig.Store.NONE, tls, tokens,
          cfg.bridge().enabled() ? cfg.bridge() : null);
        return vertx.deployVerticle(http);
      })
      .onSuccess(id -> {
        httpDeployment = id;
        log.info("chatbus {} node {} listening on {}:{} with {} edge instances ({} transport{}){}{}{}{}{}", version,
          cfg.nodeName(), cfg.tcp().host(), port(), cfg.tcp().instances(),
          vertx.isNativeTransportEnabled() ? "native" : "NIO", vertx.isClustered() ? ", clustered" : "",
          tls == null ? "" : "; TLS (" + tls.provider() + ") on " + cfg.tcp().host() + ":" + tlsPort()
            + (cfg.irc().enabled() ? ", IRC on " + cfg.irc().host() + ":" + ircTlsPort() : ""),
          cfg.irc().enabled() ? "; IRC on " + cfg.irc().host() + ":" + ircPort() : "",
          bridge != null ? "; bridge on " + cfg.bridge().host() + ":" + bridge.port() : "",
          http != null ? "; HTTP on " + cfg.http().host() + ":" + http.port() : "",
          metrics.enabled() ? "" : "; metrics off");
      });
  }

  /**
   * Opens the store and deploys the persistence worker over it, then the history readers; completes with
   * the worker's deployment (null without a store).
   */
  private Future<String> store(ChatbusConfig cfg, NodeMetrics metrics) {
    if (cfg.persistence().store() == ChatbusConfig.Store.NONE) {
      return Future.succeededFuture();
    }
    // The writer and the readers each have threads of their own, so that neither waits for a thread the
    // other (or anything else blocking) holds.
    return vertx.executeBlocking(() -> JdbcEventStore.open(cfg.persistence()))
      .compose(store -> vertx.deployVerticle(new PersistenceVerticle(cfg.nodeName(), cfg.persistence(), cfg.shutdownGrace(),
          store, metrics), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
          .setWorkerPoolName("chatbus-store").setWorkerPoolSize(1))
        .onFailure(err -> store.close())
        .compose(writer -> {
          AtomicInteger reader = new AtomicInteger();
          return vertx.deployVerticle(() -> new HistoryReaderVerticle(cfg.nodeName(), reader.getAndIncrement(), store),
              new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(cfg.persistence().readers())
                .setWorkerPoolName("chatbus-readers").setWorkerPoolSize(cfg.persistence().readers()))
            .compose(id -> {
              readersDeployment = id;
              // Accounts hash passwords, tens of milliseconds each: on threads of their own.
              AtomicInteger worker = new AtomicInteger();
              LoginFailures failures = new LoginFailures(cfg.accounts().maxFailures(), cfg.accounts().maxFailuresPerAddress(),
                cfg.accounts().lockout());
              Passwords passwords = new Passwords();
              return vertx.deployVerticle(() -> new AccountsVerticle(cfg.nodeName(), cfg.accounts(), store.accounts(),
                  passwords, failures, registeredNames, serverBans, registeredRooms, closedRooms,
                  worker.getAndIncrement() == 0),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(JdbcEventStore.ACCOUNT_WORKERS)
                  .setWorkerPoolName("chatbus-accounts").setWorkerPoolSize(JdbcEventStore.ACCOUNT_WORKERS));
            })
            .map(id -> {
              accountsDeployment = id;
              return writer;
            })
            // Without readers or accounts the node does not start: the writer goes too, closing the store.
            .recover(err -> vertx.undeploy(writer).transform(v -> Future.failedFuture(err)));
        }));
  }

  @Override
  public Future<?> stop() {
    return shutdown().andThen(ar -> BusCodecs.unregister(vertx.eventBus()));
  }

  /**
   * Shuts the node down in order, as SIGTERM does: clients told and their queues drained, the router's
   * rooms handed over and its last batch written, the store closed. Call it before closing Vert.x, which
   * would stop the node's parts all at once; calling it again gives the same future.
   */
  public synchronized Future<Void> shutdown() {
    if (shutdown == null) {
      log.info("shutting down: telling clients, then draining");
      shutdown = undeployInOrder().andThen(ar -> log.info("shut down"));
    }
    return shutdown;
  }

  /** The servers Vert.x runs (the edge's own reads the changed files by itself) take the changed TLS files. */
  private void reloadTls() {
    tlsBehind = false;
    for (Future<Boolean> f : List.of(http == null ? Future.succeededFuture(false) : http.reloadTls(),
      bridge == null ? Future.succeededFuture(false) : bridge.reloadTls())) {
      f.onFailure(err -> {
        // Tried again at the next check, changed files or not.
        tlsBehind = true;
        log.warn("tls: a server could not take the changed files: {}", err.getMessage());
      });
    }
  }

  /** The client port, once started (-1 when it is turned off). */
  public int port() {
    return edges.get(0).port();
  }

  /** The client port over TLS, once started (-1 when there is none). */
  public int tlsPort() {
    return edges.get(0).tlsPort();
  }

  /** The IRC port, once started (-1 when it is turned off). */
  public int ircPort() {
    return edges.get(0).ircPort();
  }

  /** The IRC port over TLS, once started (-1 when there is none). */
  public int ircTlsPort() {
    return edges.get(0).ircTlsPort();
  }

  /** The bridge's port, once started (-1 when it is turned off). */
  public int bridgePort() {
    return bridge != null ? bridge.port() : -1;
  }

  /** The HTTP port, once started (-1 when it is turned off). */
  public int httpPort() {
    return http != null ? http.port() : -1;
  }

  /** The HTTPS port, once started (-1 when there is none). */
  public int httpTlsPort() {
    return http != null ? http.tlsPort() : -1;
  }

  /** The bridge's TLS port, once started (-1 when there is none). */
  public int bridgeTlsPort() {
    return bridge != null ? bridge.tlsPort() : -1;
  }

  private Future<Void> undeployInOrder() {
    vertx.cancelTimer(tlsTimer);
    if (edgeNode != null) {
      edgeNode.shuttingDown();
    }
    // No new messages from services while the edge says goodbye and the router hands its last batches
    // to the store; what the API has already taken is answered before it goes, last with HTTP (which
    // reports the node as not ready meanwhile).
    Future<?> refused = api != null ? api.refuseNew() : Future.succeededFuture();
    return refused.transform(ar -> undeploy(bridgeDeployment, "bridge"))
      .compose(v -> {
        bridgeDeployment = null;
        return undeploy(edgeDeployment, "edge");
      })
      .compose(v -> {
        edgeDeployment = null;
        return undeploy(routerDeployment, "router");
      })
      .compose(v -> {
        routerDeployment = null;
        return undeploy(readersDeployment, "history readers");
      })
      .compose(v -> {
        readersDeployment = null;
        return undeploy(accountsDeployment, "accounts");
      })
      .compose(v -> {
        accountsDeployment = null;
        return undeploy(persistDeployment, "store");
      })
      .compose(v -> {
        persistDeployment = null;
        return undeploy(apiDeployment, "API");
      })
      .compose(v -> {
        apiDeployment = null;
        return undeploy(httpDeployment, "HTTP");
      })
      .compose(v -> {
        httpDeployment = null;
        return undeploy(statsDeployment, "figures");
      })
      .andThen(ar -> statsDeployment = null);
  }

  private Future<Void> undeploy(String id, String what) {
    if (id == null || !vertx.deploymentIDs().contains(id)) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(id).recover(err -> {
      log.warn("stopping the {} failed: {}", what, err.toString());
      return Future.succeededFuture();
    });
  }

  /** Chatbus's version, as the build wrote it into the jar; {@code dev} when run from unbuilt classes. */
  static String readVersion() throws IOException {
    try (InputStream in = MainVerticle.class.getResourceAsStream("/chatbus.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    }
  }
}
