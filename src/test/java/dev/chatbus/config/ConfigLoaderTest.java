package dev.chatbus.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layers through vertx-config: a file, the deployment config, system properties. */
@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty("chatbus.config");
    System.clearProperty("chatbus.limits.rate.burst");
  }

  @Test
  void fileThenDeploymentConfigThenSystemProperties(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("chatbus.json");
    Files.writeString(file, "{\"node\":{\"name\":\"from-file\"},\"tcp\":{\"port\":7100},\"limits\":{\"rate\":{\"burst\":5}}}");
    System.setProperty("chatbus.config", file.toString());
    System.setProperty("chatbus.limits.rate.burst", "9");
    ChatbusConfig c = ConfigLoader.load(vertx, new JsonObject().put("tcp", new JsonObject().put("port", 7200)))
      .await(10, TimeUnit.SECONDS);
    assertThat(c.nodeName()).isEqualTo("from-file");
    assertThat(c.tcp().port()).isEqualTo(7200);
    assertThat(c.limits().rate().burst()).isEqualTo(9);
  }

  @Test
  void anEmptyNodeNameBecomesTheHostName(Vertx vertx) throws Exception {
    ChatbusConfig c = ConfigLoader.load(vertx, new JsonObject().put("node", new JsonObject().put("name", "")))
      .await(10, TimeUnit.SECONDS);
    assertThat(c.nodeName()).isNotBlank().matches("[A-Za-z0-9_-]+");
  }

  @Test
  void aNamedFileThatIsMissingOrBrokenStopsStartUp(Vertx vertx, @TempDir Path dir) throws Exception {
    System.setProperty("chatbus.config", dir.resolve("missing.json").toString());
    assertThatThrownBy(() -> ConfigLoader.load(vertx, new JsonObject()).await(10, TimeUnit.SECONDS))
      .hasMessageContaining("missing.json");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"tcp\": ");
    System.setProperty("chatbus.config", broken.toString());
    assertThatThrownBy(() -> ConfigLoader.load(vertx, new JsonObject()).await(10, TimeUnit.SECONDS))
      .isNotNull();
  }
}
