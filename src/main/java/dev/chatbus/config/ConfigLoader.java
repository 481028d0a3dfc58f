package dev.chatbus.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;

/**
 * Loads the {@link ChatbusConfig} of a node through vertx-config.
 * <p>
 * Layers, each overriding the one before: the file {@code conf/config.json} (or the file named by the
 * system property {@code chatbus.config} / the environment variable {@code CHATBUS_CONFIG}); the
 * deployment config (the launcher's {@code -conf}); environment variables {@code CHATBUS_*}; system
 * properties {@code chatbus.*}.
 */
public final class ConfigLoader {

  static final String PATH_PROPERTY = "chatbus.config";
  static final String PATH_ENV = "CHATBUS_CONFIG";
  private static final String DEFAULT_PATH = "conf/config.json";

  private ConfigLoader() {
  }

  /** Reads every layer; fails with a {@link ConfigException} naming the key when a value is invalid. */
  public static Future<ChatbusConfig> load(Vertx vertx, JsonObject deploymentConfig) {
    String path = System.getProperty(PATH_PROPERTY, System.getenv(PATH_ENV));
    // Two retrievals, because the JSON layers are checked key by key while the environment and the
    // system properties hold much besides Chatbus's settings.
    Future<JsonObject> settings = retrieve(vertx,
      new ConfigStoreOptions().setType("file").setFormat("json").setOptional(path == null)
        .setConfig(new JsonObject().put("path", path == null ? DEFAULT_PATH : path)),
      new ConfigStoreOptions().setType("json").setConfig(deploymentConfig == null ? new JsonObject() : deploymentConfig));
    Future<JsonObject> overrides = retrieve(vertx,
      new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)),
      new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("raw-data", true).put("cache", false)));
    return Future.all(settings, overrides)
      .map(v -> ChatbusConfig.parse(settings.result(), overrides.result()))
      .compose(config -> config.nodeName().isEmpty()
        ? vertx.executeBlocking(ConfigLoader::hostName).map(config::withNodeName)
        : Future.succeededFuture(config));
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
