package dev.chatbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A JSON client over the HTTP port's WebSocket, as the web client speaks: durable acks. */
final class WsSender extends Sender {
  /** The text frames that came, and "closed ..." when the socket closed. */
  private final BlockingQueue<String> in = new LinkedBlockingQueue<>();
  private WebSocket ws;

  WsSender(String host, int httpPort, String name, String room) {
    super("websocket", "w-", true, host, httpPort, name, room);
  }

  @Override
  void open() throws IOException {
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder frame = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        frame.append(data);
        if (last) {
          in.add(frame.toString());
          frame.setLength(0);
        }
        socket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
        in.add("closed " + status + " " + reason);
        return null;
      }

      @Override
      public void onError(WebSocket socket, Throwable error) {
        in.add("closed " + error);
      }
    };
    ws = done(HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
      .buildAsync(URI.create("ws://" + host + ":" + port + "/ws"), listener));
    done(ws.sendText(new JsonObject().put("op", "hello").put("name", name).encode(), true));
    done(ws.sendText(new JsonObject().put("op", "join").put("room", room).encode(), true));
  }

  @Override
  void say(int n) throws IOException {
    done(ws.sendText(says(n).encode(), true));
  }

  @Override
  String receive() throws IOException {
    try {
      return in.poll(20, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  @Override
  void heard(String frame) throws IOException {
    if (frame.startsWith("closed ")) {
      throw new IOException(frame);
    }
    answer(new JsonObject(frame));
  }

  @Override
  void close() throws IOException {
    done(ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
  }

  /** What {@code f} gives, within 10 s. */
  private static <T> T done(CompletableFuture<T> f) throws IOException {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }
}
