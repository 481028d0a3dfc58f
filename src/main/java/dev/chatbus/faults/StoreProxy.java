package dev.chatbus.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes' way to PostgreSQL: a TCP proxy on the harness's own address, in front of the server (which may
 * listen on loopback only, out of the nodes' namespaces' reach). It is also where a restart of PostgreSQL is
 * injected ({@link #restart}): every connection is cut and new ones are refused for a while, which is what
 * the nodes see of a server restarting. A thread per direction per connection: the nodes hold a few each.
 */
final class StoreProxy implements AutoCloseable {

  private final InetSocketAddress listen;
  private final InetSocketAddress server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket acceptor;
  private volatile boolean closed;

  StoreProxy(String host, int port, InetSocketAddress server) throws IOException {
    this.listen = new InetSocketAddress(InetAddress.getByName(host), port);
    this.server = server;
    listen();
  }

  int port() {
    return listen.getPort();
  }

  private void listen() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(listen);
    acceptor = s;
    Thread t = new Thread(() -> accept(s), "store-proxy");
    t.setDaemon(true);
    t.start();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(server, 5_000);
        } catch (IOException e) {
          client.close();
          continue;
        }
        open.add(client);
        open.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // Closed: restarting, or done.
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // Cut, or closed by either end.
      } finally {
        cut(from);
        cut(to);
      }
    }, "store-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private void cut(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // Closed already.
    }
  }

  /** Cuts every connection and refuses new ones for {@code millis}, as a restart of the server does. */
  void restart(long millis) throws IOException, InterruptedException {
    acceptor.close();
    for (Socket s : open) {
      cut(s);
    }
    Thread.sleep(millis);
    if (!closed) {
      listen();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      acceptor.close();
    } catch (IOException e) {
      // Closed already.
    }
    for (Socket s : open) {
      cut(s);
    }
  }
}
