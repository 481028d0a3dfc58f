package dev.chatbus.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One connection of the load generator. Touched only by its loop's thread once connected. */
final class Client {

  enum State {
    CONNECTING, REGISTERING, JOINING, READY, CLOSED
  }

  final int index;
  final String name;
  final String room;
  /** True if the client receives room messages (every client but Redis's separate senders). */
  final boolean receives;
  final IoLoop loop;
  State state = State.CONNECTING;
  SocketChannel channel;
  SelectionKey key;
  /** TLS between the client and its socket; null over plain TCP. */
  TlsPipe tls;
  /** Output not yet taken by the socket (encrypted, over TLS), in read mode; null when there is none. */
  ByteBuffer pending;
  /** Over WebSocket, the client's frames once the upgrade is answered; null before, and over plain TCP. */
  WsFrames frames;
  /** The start of a line not yet ended, carried to the next read; null when there is none. */
  byte[] partial;
  /** The last sequence number received from each sender of its room, by sender index; -1 before any. */
  long[] lastSeq;
  /** When the client asked to enter its room (System.nanoTime). */
  long joinSentAt;
  Sender sender;

  Client(int index, String name, String room, boolean receives, IoLoop loop) {
    this.index = index;
    this.name = name;
    this.room = room;
    this.receives = receives;
    this.loop = loop;
  }
}
