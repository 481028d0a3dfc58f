package dev.chatbus.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback, to take a real server away from Chatbus and give it back: {@link #cut()}
 * breaks every connection and refuses new ones, {@link #restore()} accepts again on the same port;
 * {@link #stall()} keeps every connection open but forwards nothing (a server that stopped answering),
 * {@link #flow()} forwards again, what was held first.
 */
public final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private boolean stalled;

  public TcpProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      this.port = s.getLocalPort();
      serve(s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public int port() {
    return port;
  }

  /** Breaks every forwarded connection and stops accepting: the server looks gone. */
  public synchronized void cut() {
    ServerSocket s = server;
    server = null;
    closeQuietly(s);
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /** Holds every byte in both directions, on every connection, until {@link #flow()}. */
  public synchronized void stall() {
    stalled = true;
  }

  /** Forwards again what was held, and what comes. */
  public synchronized void flow() {
    stalled = false;
    notifyAll();
  }

  private synchronized void awaitFlowing() throws InterruptedException {
    while (stalled) {
      wait();
    }
  }

  /** Accepts connections again. */
  public synchronized void restore() {
    if (server != null) {
      return;
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      serve(s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void serve(ServerSocket s) {
    server = s;
    Thread acceptor = new Thread(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          sockets.add(client);
          sockets.add(target);
          pump(client, target);
          pump(target, client);
        } catch (IOException e) {
          // closed by cut(), or the target refused: either way this connection is over
        }
      }
    }, "proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          awaitFlowing();
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // one side went away
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    flow();
    cut();
  }
}
