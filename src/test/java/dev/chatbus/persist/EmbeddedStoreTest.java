package dev.chatbus.persist;

import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded H2 file store. */
class EmbeddedStoreTest extends EventStoreContract {

  @TempDir
  Path dir;

  static ChatbusConfig.Persistence embedded(Path file) {
    return ChatbusConfig.parse(new JsonObject().put("persistence",
      new JsonObject().put("embedded", new JsonObject().put("path", file.toString())))).persistence();
  }

  @Override
  protected EventStore open() {
    return JdbcEventStore.open(embedded(dir.resolve("chatbus")));
  }

  @Test
  void keepsItsContentsAcrossReopening() throws Exception {
    store.write(List.of(batch(numbered("rust", 3))), java.util.Map.of());
    store.close();
    store = open();
    assertThat(store.claim("rust", 0, RUN).lastSeq()).isEqualTo(3);
    assertThat(history("rust", 10, 0, Long.MAX_VALUE, false)).hasSize(3);
  }

  @Test
  void aCorruptFileStopsStartUpWithAClearMessage() throws Exception {
    store.close();
    Path file = dir.resolve("chatbus.mv.db");
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < bytes.length; i += 7) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(file, bytes);
    assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
      .hasMessageStartingWith("the embedded store " + file.toAbsolutePath() + " cannot be opened: ");
    store = open(dir.resolve("other"));
  }

  @Test
  void aFileThatIsNotADatabaseStopsStartUp() throws Exception {
    store.close();
    Path file = dir.resolve("notes.mv.db");
    Files.writeString(file, "these are not the bytes of a database");
    assertThatThrownBy(() -> open(dir.resolve("notes"))).isInstanceOf(StoreException.class)
      .hasMessageContaining("notes.mv.db cannot be opened");
    store = open(dir.resolve("other"));
  }

  private EventStore open(Path path) {
    return JdbcEventStore.open(embedded(path));
  }

  @Test
  void aMisspelledStoreIsAConfigurationError() {
    assertThatThrownBy(() -> ChatbusConfig.parse(new JsonObject().put("persistence", new JsonObject().put("store", "sqlite"))))
      .isInstanceOf(ConfigException.class).hasMessage("persistence.store: expected embedded, postgresql or none, got 'sqlite'");
  }
}
