package dev.chatbus.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Fills a Chatbus room with messages before a measurement, over plain blocking sockets: a text client
 * says them, asks for the last one back (so the router has numbered them all), and a JSON client then says
 * one more and waits for its acknowledgement, which the store gives only once everything before it is
 * written.
 */
final class Filler {

  /** How long the filling may take before the run is given up. */
  private static final int TIMEOUT_MS = 600_000;

  private Filler() {
  }

  static void fill(InetSocketAddress server, String room, int count, int payloadBytes) throws IOException {
    try (Socket text = connect(server); Socket json = connect(server)) {
      BufferedReader in = reader(text);
      OutputStream out = text.getOutputStream();
      in.readLine();
      write(out, "filler\n/join " + room + "\n");
      until(in, l -> l.startsWith("* you are now in #" + room));
      String pad = "f".repeat(Math.max(0, payloadBytes - 16));
      StringBuilder chunk = new StringBuilder();
      for (int i = 1; i <= count; i++) {
        chunk.append("fill ").append(i).append(' ').append(pad).append('\n');
        if (chunk.length() > 1 << 16 || i == count) {
          write(out, chunk.toString());
          chunk.setLength(0);
        }
      }
      write(out, "/history 1\n");
      until(in, l -> l.contains("filler: fill " + count + " "));

      BufferedReader jsonIn = reader(json);
      jsonIn.readLine();
      write(json.getOutputStream(), new JsonObject().put("op", "hello").put("name", "fillmark").encode() + "\n"
        + new JsonObject().put("op", "join").put("room", room).encode() + "\n"
        + new JsonObject().put("op", "say").put("room", room).put("text", "filled").put("ref", 1).encode() + "\n");
      until(jsonIn, l -> l.contains("\"type\":\"ack\""));
    }
  }

  private static Socket connect(InetSocketAddress server) throws IOException {
    Socket s = new Socket();
    s.connect(server, 10_000);
    s.setSoTimeout(TIMEOUT_MS);
    return s;
  }

  private static BufferedReader reader(Socket s) throws IOException {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Reads lines until one matches; an error line from the server ends the fill. */
  private static void until(BufferedReader in, Predicate<String> match) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (match.test(line)) {
        return;
      }
      if (line.startsWith("! ") || line.contains("\"type\":\"error\"")) {
        throw new IOException("the server refused the fill: " + line);
      }
    }
    throw new IOException("the server closed the connection while filling");
  }
}
