package dev.chatbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.IOException;

/** A JSON client on the client port, with durable acks. */
final class JsonSender extends Sender {
  JsonSender(String host, int port, String name, String room) {
    super("json", "j-", true, host, port, name, room);
  }

  @Override
  void open() throws IOException {
    enterAsJson();
  }

  @Override
  void say(int n) throws IOException {
    send(says(n).encode());
  }

  @Override
  void heard(String line) {
    if (line.startsWith("{")) {
      answer(new JsonObject(line));
    }
  }
}
