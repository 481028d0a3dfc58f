package dev.chatbus.support;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client on a real socket, as a browser's page would be (the JDK's client, nothing of the
 * server's): sends JSON messages, one per text frame, and reads them. Every read has a deadline. A client
 * made with {@code reading} false takes nothing from its socket until {@link #read} is called, as a page
 * whose tab is frozen.
 */
public final class WsClient implements AutoCloseable {

  /** What the server closed the connection with. */
  public record Closed(int status, String reason) {
  }

  private final LinkedBlockingQueue<Object> in = new LinkedBlockingQueue<>();
  private final WebSocket ws;
  private final boolean reading;

  private WsClient(URI uri, Map<String, String> headers, boolean reading, SSLContext tls) throws Throwable {
    this.reading = reading;
    HttpClient.Builder client = HttpClient.newBuilder();
    if (tls != null) {
      client.sslContext(tls);
    }
    WebSocket.Builder b = client.build().newWebSocketBuilder();
    headers.forEach(b::header);
    try {
      ws = b.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  /** Opens the chat's WebSocket on {@code httpPort}, sending {@code headers} (an {@code Origin}, say). */
  public static WsClient open(int httpPort, Map<String, String> headers) {
    return open(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), headers, true);
  }

  public static WsClient open(int httpPort) {
    return open(httpPort, Map.of());
  }

  /** Opens the chat's WebSocket over TLS ({@code wss}) on {@code httpsPort}, trusting what {@code tls} trusts. */
  public static WsClient open(int httpsPort, SSLContext tls) {
    try {
      return new WsClient(URI.create("wss://localhost:" + httpsPort + "/ws"), Map.of(), true, tls);
    } catch (Throwable e) {
      throw new AssertionError("cannot open wss on " + httpsPort, e);
    }
  }

  public static WsClient open(URI uri, Map<String, String> headers, boolean reading) {
    try {
      return new WsClient(uri, headers, reading, null);
    } catch (Throwable e) {
      throw new AssertionError("cannot open " + uri, e);
    }
  }

  /** The HTTP status the server refused the WebSocket with. */
  public static int refusal(int httpPort, Map<String, String> headers) {
    try {
      new WsClient(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), headers, true, null).close();
      throw new AssertionError("the server accepted the WebSocket");
    } catch (WebSocketHandshakeException e) {
      return e.getResponse().statusCode();
    } catch (Throwable e) {
      throw new AssertionError("the WebSocket failed without an answer", e);
    }
  }

  /** Opens the WebSocket, says hello as {@code name}, and reads the welcome and the joined. */
  public static WsClient json(int httpPort, String name) {
    return hello(open(httpPort), name);
  }

  /** Says hello on {@code c} as {@code name}, and reads the welcome and the joined. */
  public static WsClient hello(WsClient c, String name) {
    c.send(new JsonObject().put("op", "hello").put("name", name));
    assertThat(c.readJson().getString("type")).isEqualTo("welcome");
    assertThat(c.readJson().getString("type")).isEqualTo("joined");
    return c;
  }

  public WsClient send(JsonObject op) {
    return send(op.encode());
  }

  /** Sends {@code text} as one text frame. */
  public WsClient send(String text) {
    try {
      ws.sendText(text, true).get(10, TimeUnit.SECONDS);
      return this;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("send failed", e);
    }
  }

  /** The next message; fails if none comes in time, or the connection closed. */
  public String readText() {
    Object o = next();
    if (o instanceof String s) {
      return s;
    }
    throw new AssertionError("the connection closed: " + o);
  }

  public JsonObject readJson() {
    return new JsonObject(readText());
  }

  /** Reads messages until one of {@code type}, and returns it. */
  public JsonObject readJson(String type) {
    return readUntil(o -> type.equals(o.getString("type")));
  }

  public JsonObject readUntil(Predicate<JsonObject> match) {
    while (true) {
      JsonObject o = readJson();
      if (match.test(o)) {
        return o;
      }
    }
  }

  /** Reads until the server closes, and returns what came before; the close is {@link #closed}. */
  public List<JsonObject> readUntilClosed() {
    List<JsonObject> got = new ArrayList<>();
    while (true) {
      Object o;
      try {
        o = next();
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + " after " + got.size() + " messages, the last "
          + got.subList(Math.max(0, got.size() - 3), got.size()));
      }
      if (o instanceof String s) {
        got.add(new JsonObject(s));
      } else {
        in.add(o);
        return got;
      }
    }
  }

  /** How the server closed the connection (after {@link #readUntilClosed}). */
  public Closed closed() {
    Object o = next();
    assertThat(o).isInstanceOf(Closed.class);
    return (Closed) o;
  }

  /** Lets a client made not reading take {@code n} more messages from its socket. */
  public void read(long n) {
    ws.request(n);
  }

  private Object next() {
    try {
      Object o = in.poll(TestClient.READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (o == null) {
        throw new AssertionError("no message within " + TestClient.READ_TIMEOUT.toSeconds() + "s");
      }
      return o;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    ws.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      if (reading) {
        webSocket.request(1);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        in.add(message.toString());
        message.setLength(0);
      }
      if (reading) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      in.add(new Closed(-1, "a binary frame: the chat sends text frames only"));
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      in.add(new Closed(statusCode, reason));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      in.add(new Closed(-1, String.valueOf(error instanceof CompletionException ? error.getCause() : error)));
    }
  }
}
