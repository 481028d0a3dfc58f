package dev.chatbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the room's messages as a JSON client on one node sees them, in order; asks who is in it when told to. */
final class Observer extends Client {

  /** A message as the observer saw it. */
  record Seen(long epoch, long seq, String text) {
  }

  /** The room's messages as they came, with their epochs and numbers. */
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  /** Set to ask the room's members once. */
  volatile boolean askWho;
  /** The room's members as the answer to {@link #askWho} gave them. */
  final CompletableFuture<List<String>> members = new CompletableFuture<>();

  Observer(String host, int port, String name, String room) {
    super(host, port, name, room);
  }

  @Override
  public void run() {
    try {
      enterAsJson();
      while (!stop) {
        if (askWho) {
          askWho = false;
          send(new JsonObject().put("op", "who").put("room", room).put("ref", "who").encode());
        }
        String line = poll();
        if (line != null && line.startsWith("{")) {
          JsonObject o = new JsonObject(line);
          if ("message".equals(o.getString("type")) && room.equals(o.getString("room"))) {
            seen.add(new Seen(o.getLong("epoch"), o.getLong("seq"), o.getString("text")));
          } else if ("who".equals(o.getString("type")) && "who".equals(o.getValue("ref"))) {
            members.complete(o.getJsonArray("members").stream().map(String::valueOf).toList());
          }
        }
      }
    } catch (IOException e) {
      cutOff = e.getMessage();
      FaultHarness.log(name + " stopped observing: " + e.getMessage());
    }
  }
}
