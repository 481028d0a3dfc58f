package dev.chatbus.persist;

import dev.chatbus.support.TestNode;
import io.vertx.core.json.JsonObject;

/** History with the embedded store. */
class EmbeddedHistoryTest extends HistoryContract {

  @Override
  protected JsonObject freshStore() {
    return new JsonObject().put("embedded", new JsonObject().put("path", TestNode.freshStorePath()));
  }
}
