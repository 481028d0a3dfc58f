package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.support.Postgres;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL store, against the real server, each test in a schema of its own. */
class PostgresStoreTest extends EventStoreContract {

  private String url;

  static ChatbusConfig.Persistence postgres(String url) {
    return ChatbusConfig.parse(new JsonObject().put("persistence", Postgres.persistence(url))).persistence();
  }

  @Override
  protected EventStore open() {
    url = Postgres.freshSchemaUrl();
    return JdbcEventStore.open(postgres(url));
  }

  @Test
  void twoStoresOnOneSchemaSeeTheSameHistory() throws Exception {
    store.write(List.of(batch(numbered("rust", 3))), java.util.Map.of());
    try (EventStore second = JdbcEventStore.open(postgres(url))) {
      assertThat(second.history(new Persist.Query("rust", 10, 0, Long.MAX_VALUE, false)).events()).hasSize(3);
    }
  }

  @Test
  void anUnreachableServerStopsStartUpWithAClearMessage() {
    assertThatThrownBy(() -> JdbcEventStore.open(postgres("jdbc:postgresql://127.0.0.1:1/chatbus")))
      .isInstanceOf(StoreException.class)
      .hasMessageStartingWith("PostgreSQL at jdbc:postgresql://127.0.0.1:1/chatbus cannot be opened: ");
  }
}
