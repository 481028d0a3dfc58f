package dev.chatbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A JSON client that logs in under a name, asking again every 500 ms while it is refused (taken, or the
 * network changing), for as long as it is let; and keeps what the server says of it.
 */
final class Named extends Client {
  private final long tryFor;
  /** Welcomed under its name. */
  final CompletableFuture<Boolean> welcomed = new CompletableFuture<>();
  /** The reason of the {@code bye} it was sent off with, if it was. */
  volatile String bye;

  Named(String host, int port, String name, String room, Duration tryFor) {
    super(host, port, name, room);
    this.tryFor = tryFor.toMillis();
  }

  /** Still connected under its name. */
  boolean holdsName() {
    return welcomed.getNow(false) && bye == null && cutOff == null;
  }

  @Override
  public void run() {
    long until = System.currentTimeMillis() + tryFor;
    try {
      connect(true);
      long nextTry = 0;
      while (!stop && bye == null) {
        if (!welcomed.isDone() && nextTry >= 0 && System.currentTimeMillis() >= nextTry) {
          send(new JsonObject().put("op", "hello").put("name", name).encode());
          nextTry = -1;
        }
        String line = poll();
        if (line == null || !line.startsWith("{")) {
          continue;
        }
        JsonObject o = new JsonObject(line);
        switch (o.getString("type", "")) {
          case "welcome" -> {
            welcomed.complete(true);
            send(new JsonObject().put("op", "join").put("room", room).encode());
          }
          case "error" -> {
            if (!welcomed.isDone() && System.currentTimeMillis() < until) {
              nextTry = System.currentTimeMillis() + 500;
            } else if (!welcomed.isDone()) {
              FaultHarness.log(name + " on " + host + " was refused its name: " + o.getString("code"));
              welcomed.complete(false);
            }
          }
          case "bye" -> {
            bye = o.getString("reason");
            FaultHarness.log(name + " on " + host + " was sent off: " + o.getString("reason") + " (" + o.getString("message") + ")");
          }
          default -> { }
        }
      }
    } catch (IOException e) {
      if (bye == null) {
        cutOff = e.getMessage();
        FaultHarness.log(name + " on " + host + " stopped: " + e.getMessage());
      }
    } finally {
      welcomed.complete(false);
    }
  }
}
