package dev.chatbus.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the {@link ChatbusConfig} of a node through vertx-config.
 * <p>
 * Layers, each overriding the one before: the file {@code conf/config.json} (or the file named by the
 * system property {@code chatbus.config} / the environment variable {@code CHATBUS_CONFIG}); the
 * deployment config (the launcher's {@code -conf}); environment variables {@code CHATBUS_*}; system
 * properties {@code chatbus.*}. An unknown system property {@code chatbus.*} stops the node; an unknown
 * environment variable {@code CHATBUS_*} is warned of and ignored, since the scripts that start a node
 * use the prefix too.
 */
public final class ConfigLoader {

  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

  static final String PATH_PROPERTY = "chatbus.config";
  static final String PATH_ENV = "CHATBUS_CONFIG";
  private static final String DEFAULT_PATH = "conf/config.json";

  private ConfigLoader() {
  }

  /** Reads every layer; fails with a {@link ConfigException} naming the key when a value is invalid. */
  public static Future<ChatbusConfig> load(Vertx vertx, JsonObject deploymentConfig) {
    String path = System.getProperty(PATH_PROPERTY, System.getenv(PATH_ENV));
    // The default file is read only when it is there: a node started without one has the defaults.
    Future<Boolean> withFile = path != null ? Future.succeededFuture(true) : vertx.fileSystem().exists(DEFAULT_PATH);
    return withFile.compose(file -> load(vertx, deploymentConfig, file ? (path != null ? path : DEFAULT_PATH) : null));
  }

  private static Future<ChatbusConfig> load(Vertx vertx, JsonObject deploymentConfig, String file) {
    JsonObject deployment = deploymentConfig == null ? new JsonObject() : deploymentConfig;
    // Two retrievals, because the JSON layers are checked key by key while the environment and the
    // system properties hold much besides Chatbus's settings.
    Future<JsonObject> settings = file == null
      ? retrieve(vertx, new ConfigStoreOptions().setType("json").setConfig(deployment))
      : retrieve(vertx,
        new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", file)),
        new ConfigStoreOptions().setType("json").setConfig(deployment));
    Future<JsonObject> overrides = retrieve(vertx,
      new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)),
      new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("raw-data", true).put("cache", false)));
    return Future.all(settings, overrides)
      .map(v -> ChatbusConfig.parse(settings.result(), overrides.result(), log::warn))
      .compose(config -> config.nodeName().isEmpty()
        ? vertx.executeBlocking(ConfigLoader::hostName).map(config::withNodeName)
        : Future.succeededFuture(config));
  }

  /**
   * The same layers read at once, without Vert.x: for the launcher, which must know before Vert.x starts
   * whether the node joins a cluster. What {@link #load} warns of is not warned of here too.
   *
   * @param deploymentConfig the launcher's {@code -conf}, or null
   * @throws ConfigException naming the key when a value is invalid, or the file when it cannot be read
   */
  public static ChatbusConfig loadNow(JsonObject deploymentConfig) {
    String path = System.getProperty(PATH_PROPERTY, System.getenv(PATH_ENV));
    Path file = Path.of(path == null ? DEFAULT_PATH : path);
    JsonObject settings = new JsonObject();
    if (path != null || Files.isRegularFile(file)) {
      try {
        settings = new JsonObject(Files.readString(file));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(file + " cannot be read: " + e.getMessage());
      }
    }
    if (deploymentConfig != null) {
      settings.mergeIn(deploymentConfig, true);
    }
    JsonObject overrides = new JsonObject();
    System.getenv().forEach(overrides::put);
    System.getProperties().forEach((k, v) -> overrides.put(k.toString(), v.toString()));
    return ChatbusConfig.parse(settings, overrides);
  }

  /** The stores merged in order, each overriding the one before. */
  private static Future<JsonObject> retrieve(Vertx vertx, ConfigStoreOptions... stores) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0);
    for (ConfigStoreOptions store : stores) {
      options.addStore(store);
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().eventually(retriever::close);
  }

  private static String hostName() throws Exception {
    String name = InetAddress.getLocalHost().getHostName();
    int dot = name.indexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9_-]", "-");
  }
}
