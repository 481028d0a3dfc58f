package dev.chatbus.bench;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** What every loop of one run shares: the workload's settings, its phases and its few shared counters. */
final class Workload {

  final Protocol protocol;
  /** Where clients connect: client {@code i} to server {@code i % servers.size()}. */
  final List<InetSocketAddress> servers;
  /** TLS to the servers, trusting the authority given; null over plain TCP. */
  final SSLContext tls;
  /** The room a Chatbus client is in once logged in; it does not join it again. */
  final String defaultRoom;
  final int payloadBytes;
  /** Messages a sender may have outstanding when sending as fast as possible. */
  final int window;
  /** Messages per second per sender, or 0 to send as fast as the window allows. */
  final double ratePerSender;
  /** Registrations allowed in flight at once. */
  final Semaphore inFlight;

  volatile Sender[] senders = new Sender[0];
  volatile boolean sending;
  volatile long sendingFrom;
  volatile long measureFrom = Long.MAX_VALUE;
  volatile long measureUntil = Long.MAX_VALUE;

  final AtomicInteger readyCount = new AtomicInteger();
  final AtomicInteger setupFailures = new AtomicInteger();
  /** Clients that lost their connection after being ready. */
  final AtomicInteger disconnects = new AtomicInteger();
  final AtomicReference<String> firstProblem = new AtomicReference<>();
  final AtomicReference<Throwable> failure = new AtomicReference<>();

  Workload(Protocol protocol, List<InetSocketAddress> servers, SSLContext tls, String defaultRoom, int payloadBytes,
           int window, double ratePerSender, int inFlight) {
    this.protocol = protocol;
    this.tls = tls;
    this.servers = List.copyOf(servers);
    this.defaultRoom = defaultRoom;
    this.payloadBytes = payloadBytes;
    this.window = window;
    this.ratePerSender = ratePerSender;
    this.inFlight = new Semaphore(inFlight);
  }

  void ready(Client c) {
    readyCount.incrementAndGet();
    inFlight.release();
  }

  void refused(Client c, String line) {
    firstProblem.compareAndSet(null, c.name + ": " + line);
  }

  void closed(Client c, Client.State was, String why) {
    if (was == Client.State.READY) {
      disconnects.incrementAndGet();
    } else {
      setupFailures.incrementAndGet();
      inFlight.release();
    }
    firstProblem.compareAndSet(null, c.name + ": " + why);
  }

  void failed(Throwable t) {
    failure.compareAndSet(null, t);
  }
}
