package dev.chatbus.edge;

import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.WebSocketFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The write queue of a client connection, and its slow-consumer policy. A {@link Connection} is one; the
 * queue is a class of its own so that each file has one job, not an object of its own, which would cost
 * every connection a header and a reference. Touched only on its edge instance's event loop.
 * <p>
 * What is sent to a client during one event-loop turn is copied into one buffer, its batch, which the
 * {@link FlushBatcher} hands to the channel and flushes at the end of the turn (or sooner, once a quarter
 * of {@code queueBytes}, at most 64 KiB, is waiting, so that a burst arriving in one turn cannot look like
 * a slow reader). A delivery thus costs a copy of a few dozen bytes, not a channel write, and a turn costs
 * one system call per client. The queue of unsent bytes is the batch plus the channel's own outbound
 * buffer, and the slow-consumer policy is measured on it: past {@code queueBytes} deliveries are dropped
 * and counted, past {@code maxQueueBytes} (or {@code maxTime} over {@code queueBytes}) the client is
 * disconnected.
 */
abstract class ClientQueue {

  /**
   * What became of a delivery: sent; dropped for the slow-consumer bound (and {@code OVERFLOW}: the client
   * must go); or not for this client any more (logging out, closing).
   */
  enum Delivery {
    SENT, DROPPED, OVERFLOW, GONE
  }

  /** The least capacity of a batch for a client that keeps up: a few lines; it grows as a burst needs. */
  private static final int BATCH_START = 512;
  /** The first capacity of a batch for a client that is behind: about one line. */
  private static final int SMALL_BATCH = 128;

  final Channel channel;
  private final FlushBatcher flusher;
  private final ChatbusConfig.SlowConsumer slow;
  private final int flushAt;
  private boolean dirty;
  /** True for a WebSocket client: each line goes out as a text frame, framed into the batch. */
  private boolean frames;
  /** What was sent this turn and not yet handed to the channel; null when there is none. */
  private ByteBuf batch;
  /** The channel's queue when the batch was started. */
  private long channelPendingAtBatch;
  /** The size of the last batch: the next one starts that large, so a busy client's batch rarely grows. */
  private int lastBatchBytes;
  /** True from the first dropped delivery until the client has caught up again. */
  private boolean behind;
  private long behindSince;
  private long dropped;
  private long deliveries;
  private long droppedTotal;

  ClientQueue(Channel channel, FlushBatcher flusher, ChatbusConfig.SlowConsumer slow) {
    this.channel = channel;
    this.flusher = flusher;
    this.slow = slow;
    this.flushAt = (int) Math.min(64 << 10, Math.max(1 << 10, slow.queueBytes() / 4));
  }

  /** From now on, every line sent to this client is a WebSocket text frame. */
  void framed() {
    frames = true;
  }

  /** Whether the client is a WebSocket's. */
  boolean frames() {
    return frames;
  }

  /** Whether deliveries are for this client now (it is logged in, and not leaving). */
  abstract boolean ready();

  /** The line that tells the client {@code n} deliveries were dropped, or null if it cannot be told yet. */
  abstract String droppedNotice(long n);

  long deliveries() {
    return deliveries;
  }

  long droppedTotal() {
    return droppedTotal;
  }

  /** A delivery for the client was dropped at {@code now}: it is behind, and is told once it catches up. */
  void missed(long now) {
    if (!behind) {
      behind = true;
      behindSince = now;
    }
    dropped++;
    droppedTotal++;
  }

  /**
   * Queues lines that must not be dropped (answers, errors, goodbyes). Returns false if that takes the
   * queue past its hard bound, in which case the caller disconnects the client.
   */
  boolean send(String lines) {
    if (lines.isEmpty() || !channel.isActive()) {
      return true;
    }
    if (frames) {
      WebSocketFraming.frame(batch(WebSocketFraming.framedBytes(lines)), lines);
    } else {
      batch(ByteBufUtil.utf8Bytes(lines)).writeCharSequence(lines, StandardCharsets.UTF_8);
    }
    written();
    return queuedBytes() <= slow.maxQueueBytes();
  }

  /**
   * Queues a delivery (the same bytes may go to many recipients), unless the client is too far behind, in
   * which case it is dropped and counted. {@code OVERFLOW} means the client must be disconnected.
   */
  Delivery deliver(byte[] rendered, long now) {
    if (!ready()) {
      return Delivery.GONE;
    }
    long queued = queuedBytes();
    if (queued >= slow.queueBytes()) {
      missed(now);
      boolean overflow = queued >= slow.maxQueueBytes() || now - behindSince >= slow.maxTime().toNanos();
      return overflow ? Delivery.OVERFLOW : Delivery.DROPPED;
    }
    if (behind) {
      caughtUp();
    }
    if (batch == null && !channel.isActive()) {
      return Delivery.GONE;
    }
    if (frames) {
      frame(rendered);
    } else {
      batch(rendered.length).writeBytes(rendered);
    }
    deliveries++;
    written();
    return Delivery.SENT;
  }

  /**
   * Queues a delivery to a WebSocket client as a text frame. Its client speaks JSON, whose renderings are one
   * line each (JSON holds no raw line feed), ended by its line feed, which the frame leaves out. A method of
   * its own, so that {@link #deliver} stays as small as it was for TCP clients.
   */
  private void frame(byte[] rendered) {
    WebSocketFraming.frame(batch(rendered.length + WebSocketFraming.MAX_HEADER_BYTES), rendered, 0, rendered.length - 1);
  }

  /**
   * Checks a client that fell behind: tells it what it missed once it has caught up. Returns false if it
   * has been behind for longer than allowed.
   */
  boolean checkBehind(long now) {
    if (!behind) {
      return true;
    }
    if (queuedBytes() < slow.queueBytes()) {
      caughtUp();
      return true;
    }
    return now - behindSince < slow.maxTime().toNanos();
  }

  private void caughtUp() {
    behind = false;
    String notice = dropped > 0 ? droppedNotice(dropped) : null;
    if (notice != null) {
      dropped = 0;
      send(notice);
    }
  }

  /** Bytes sent to this client and not yet taken by its socket: its batch and the channel's queue. */
  long queuedBytes() {
    return batch == null ? channelPending() : channelPendingAtBatch + batch.readableBytes();
  }

  private long channelPending() {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /** This turn's batch, with room for at least {@code bytes} more. */
  private ByteBuf batch(int bytes) {
    if (batch == null) {
      // Nothing is written to the channel while a batch is being filled, so its queue can only shrink.
      channelPendingAtBatch = channelPending();
      // A client that keeps up gets a batch as large as its last one: it is written at once and freed.
      // One that is behind gets a small one, since its batches wait in its queue, whose bound counts
      // their bytes, not their capacity.
      int start = channelPendingAtBatch == 0 ? Math.max(BATCH_START, lastBatchBytes) : SMALL_BATCH;
      batch = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(start, bytes));
    } else {
      batch.ensureWritable(bytes);
    }
    return batch;
  }

  private void written() {
    if (batch.readableBytes() >= flushAt) {
      writeBatch();
    }
    if (!dirty) {
      dirty = true;
      flusher.add(this);
    }
  }

  private void writeBatch() {
    ByteBuf b = batch;
    batch = null;
    lastBatchBytes = Math.min(b.readableBytes(), flushAt);
    channel.writeAndFlush(b, channel.voidPromise());
  }

  /** Hands this turn's batch to the channel and flushes it; called by the {@link FlushBatcher} at the end of the turn. */
  void flush() {
    dirty = false;
    if (batch != null) {
      writeBatch();
    }
  }

  /**
   * Closes the connection once everything sent to it so far has been written; a client that does not
   * read it is closed by the sweep after a while (see {@link Connections#sweep}).
   */
  void close() {
    ByteBuf last = batch == null ? Unpooled.EMPTY_BUFFER : batch;
    batch = null;
    channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
  }

  /** The socket has closed: drops what could not be sent. */
  void discard() {
    if (batch != null) {
      batch.release();
      batch = null;
    }
  }
}
