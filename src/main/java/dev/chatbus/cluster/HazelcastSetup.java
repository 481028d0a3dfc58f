package dev.chatbus.cluster;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Hazelcast configuration of a clustered node: {@code conf/cluster.xml} (or the file named by the
 * system property {@code chatbus.cluster.config}; without either, the copy the jar carries), with the
 * {@code cluster.*} settings of Chatbus's own configuration applied over it.
 */
public final class HazelcastSetup {

  /** Where the Hazelcast configuration is read from, unless the system property says otherwise. */
  public static final Path DEFAULT_FILE = Path.of("conf", "cluster.xml");
  /** The system property that names another file. */
  public static final String FILE_PROPERTY = "chatbus.cluster.config";
  /** The copy of {@code conf/cluster.xml} in the jar, read when there is no {@code conf/cluster.xml}. */
  private static final String BUILT_IN = "chatbus/cluster.xml";

  private HazelcastSetup() {
  }

  /** A cluster manager for {@code cluster}. */
  public static HazelcastClusterManager clusterManager(ChatbusConfig.Cluster cluster) {
    return new HazelcastClusterManager(config(cluster));
  }

  /**
   * A cluster manager for {@code cluster} that reads its configuration only when the node joins: for the
   * launcher, which clusters whenever it is told to ({@code -c}, {@code -cluster}, {@code --cluster}), and
   * builds a node that is not clustered without touching it.
   */
  public static HazelcastClusterManager onJoin(ChatbusConfig.Cluster cluster) {
    return new HazelcastClusterManager() {
      @Override
      public Config loadConfig() {
        return config(cluster);
      }
    };
  }

  /**
   * Reads the file and applies the settings.
   *
   * @throws ConfigException when the file is missing or invalid
   */
  public static Config config(ChatbusConfig.Cluster cluster) {
    String named = System.getProperty(FILE_PROPERTY);
    Path file = Path.of(named != null ? named : DEFAULT_FILE.toString());
    if (named != null && !Files.isRegularFile(file)) {
      throw new ConfigException("cluster: " + file + " (" + FILE_PROPERTY + ") is missing; a clustered node reads its "
        + "Hazelcast settings there");
    }
    // Before the file is read: Hazelcast logs its first lines before it has seen the file's logging type.
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    Config config;
    try {
      config = Files.isRegularFile(file) ? new FileSystemXmlConfig(file.toFile()) : new ClasspathXmlConfig(BUILT_IN);
    } catch (FileNotFoundException | RuntimeException e) {
      throw new ConfigException("cluster: " + file + " cannot be read: " + e.getMessage());
    }
    config.setClusterName(cluster.name());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    InterfacesConfig interfaces = network.getInterfaces();
    if (!cluster.iface().isEmpty()) {
      interfaces.setEnabled(true).clear();
      interfaces.addInterface(cluster.iface());
    }
    return config;
  }
}
