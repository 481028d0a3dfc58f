package dev.chatbus.persist;

import dev.chatbus.support.Postgres;
import io.vertx.core.json.JsonObject;

/** History with PostgreSQL. */
class PostgresHistoryTest extends HistoryContract {

  @Override
  protected JsonObject freshStore() {
    return Postgres.persistence(Postgres.freshSchemaUrl());
  }
}
