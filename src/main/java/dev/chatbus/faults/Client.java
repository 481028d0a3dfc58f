package dev.chatbus.faults;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A client of the fault harness, on a real socket to one node, on a thread of its own. */
abstract class Client implements Runnable {
  final String host;
  final int port;
  final String name;
  final String room;
  volatile boolean stop;
  /** Why the client stopped before it was told to, if it did: the clients stay connected throughout. */
  volatile String cutOff;
  private BufferedReader in;
  private OutputStream out;

  Client(String host, int port, String name, String room) {
    this.host = host;
    this.port = port;
    this.name = name;
    this.room = room;
  }

  Thread start() {
    Thread t = new Thread(this, "faults-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Connects, and reads the server's greeting line when {@code greeted} (the text and JSON port has one). */
  void connect(boolean greeted) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
    if (greeted) {
      // The greeting may take a while on a loaded machine; later reads are polls.
      socket.setSoTimeout(10_000);
      in.readLine();
    }
    socket.setSoTimeout(200);
  }

  /** Connects, logs in as a JSON client and enters the room. */
  void enterAsJson() throws IOException {
    connect(true);
    send(new JsonObject().put("op", "hello").put("name", name).encode());
    send(new JsonObject().put("op", "join").put("room", room).encode());
  }

  void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The next line, or null if none came within 200 ms. */
  String poll() throws IOException {
    try {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("closed by the server");
      }
      return line;
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}
