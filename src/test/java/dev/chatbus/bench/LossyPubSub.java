package dev.chatbus.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small real pub/sub server speaking the part of the Redis protocol the load generator uses, which
 * loses one message on purpose: it relays every published benchmark message to every subscriber except
 * the one with sequence number {@code dropSeq}.
 */
final class LossyPubSub implements AutoCloseable {

  private final ServerSocket server;
  private final long dropSeq;
  private final List<OutputStream> subscribers = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  LossyPubSub(long dropSeq) throws IOException {
    this.dropSeq = dropSeq;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "lossy-pubsub");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    try {
      while (true) {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "lossy-pubsub-conn");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // the server socket was closed
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("PING")) {
          write(out, "+PONG\r\n");
        } else if (line.startsWith("SUBSCRIBE ")) {
          String room = line.substring(10);
          write(out, "*3\r\n$9\r\nsubscribe\r\n$" + room.length() + "\r\n" + room + "\r\n:1\r\n");
          subscribers.add(out);
        } else if (line.startsWith("~~b ")) {
          if (Long.parseLong(line.split(" ")[2]) != dropSeq) {
            String msg = "*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$" + line.length() + "\r\n" + line + "\r\n";
            for (OutputStream sub : subscribers) {
              write(sub, msg);
            }
          }
          write(out, ":" + subscribers.size() + "\r\n");
        }
      }
    } catch (IOException gone) {
      // the client went away
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    synchronized (out) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
