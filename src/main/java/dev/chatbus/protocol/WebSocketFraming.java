package dev.chatbus.protocol;

import dev.chatbus.protocol.LineFraming.Signal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The WebSocket counterpart of {@link LineFraming}, for a client that speaks the JSON-lines protocol one
 * message per line: the application reads what it reads from {@link LineFraming} (a {@link ByteBuf} per
 * message, {@link Signal#LINE_TOO_LONG} for a message over the maximum, {@link Signal#ENDLESS_LINE} once one
 * has run on past {@link LineFraming#ENDLESS_FACTOR} times it, {@link Signal#INPUT_CLOSED} for the client's
 * close frame), and writes what it writes to a TCP client (batches of lines, each ended by {@code \n}),
 * which go out as one text frame per line. Pings are answered here; a message's fragments are gathered up to
 * the maximum, and what goes past it is discarded as it arrives, never buffered.
 * <p>
 * It goes after the WebSocket frame codec, in place of {@link LineFraming}; one per connection.
 */
public final class WebSocketFraming extends ChannelDuplexHandler {

  private final int max;
  private final long endless;
  /** The message being gathered from its fragments; null between messages, or while one is discarded. */
  private CompositeByteBuf message;
  /** True while the rest of a message over the maximum is discarded. */
  private boolean discarding;
  private long discarded;
  /** What the close frame says: normal, unless the client broke the protocol. */
  private WebSocketCloseStatus closeStatus = WebSocketCloseStatus.NORMAL_CLOSURE;

  private WebSocketFraming(int maxLineBytes) {
    this.max = maxLineBytes;
    this.endless = (long) maxLineBytes * LineFraming.ENDLESS_FACTOR;
  }

  /** Adds the framing at the end of {@code pipeline}, after the frame codec: the application's handler goes after it. */
  public static void install(ChannelPipeline pipeline, int maxLineBytes) {
    pipeline.addLast(new WebSocketFraming(maxLineBytes));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
    } else if (msg instanceof PongWebSocketFrame pong) {
      pong.release();
    } else if (msg instanceof CloseWebSocketFrame close) {
      close.release();
      ctx.fireChannelRead(Signal.INPUT_CLOSED);
    } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
      || msg instanceof ContinuationWebSocketFrame) {
      fragment(ctx, (WebSocketFrame) msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  /** One fragment of a message: the first (text or binary) or a continuation. */
  private void fragment(ChannelHandlerContext ctx, WebSocketFrame frame) {
    try {
      if (!(frame instanceof ContinuationWebSocketFrame)) {
        // A new message: whatever was left of the last one is dropped.
        dropMessage();
        discarding = false;
        discarded = 0;
      }
      ByteBuf content = frame.content();
      if (discarding) {
        discard(ctx, content.readableBytes());
      } else {
        if (message == null) {
          message = ctx.alloc().compositeBuffer();
        }
        if (message.readableBytes() + content.readableBytes() > max + 1) {
          // One byte more may be the '\r' of a message at the limit, as in a line: past that it is too long.
          int had = message.readableBytes();
          dropMessage();
          discarding = true;
          ctx.fireChannelRead(Signal.LINE_TOO_LONG);
          discard(ctx, had + content.readableBytes());
        } else {
          message.addComponent(true, content.retain());
        }
      }
      if (frame.isFinalFragment()) {
        if (!discarding && message != null) {
          ByteBuf line = message;
          message = null;
          emit(ctx, line);
        }
        discarding = false;
        discarded = 0;
      }
    } finally {
      frame.release();
    }
  }

  /** A whole message: without a line ending it may carry, and not over the maximum. */
  private void emit(ChannelHandlerContext ctx, ByteBuf line) {
    int end = line.writerIndex();
    if (end > line.readerIndex() && line.getByte(end - 1) == '\n') {
      end--;
    }
    if (end > line.readerIndex() && line.getByte(end - 1) == '\r') {
      end--;
    }
    if (end - line.readerIndex() > max) {
      line.release();
      ctx.fireChannelRead(Signal.LINE_TOO_LONG);
      return;
    }
    line.writerIndex(end);
    ctx.fireChannelRead(line);
  }

  private void discard(ChannelHandlerContext ctx, long bytes) {
    long before = discarded;
    discarded += bytes;
    if (before < endless && discarded >= endless) {
      ctx.fireChannelRead(Signal.ENDLESS_LINE);
    }
  }

  private void dropMessage() {
    if (message != null) {
      message.release();
      message = null;
    }
  }

  /**
   * A batch of lines, each ended by {@code \n}: a text frame each, framed here into one buffer, which the
   * frame codec passes as it is (an empty batch, a flush, passes too). One buffer per batch rather than a
   * frame object and a buffer per line is what keeps a WebSocket client as cheap to deliver to as a TCP one.
   */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf batch) || !batch.isReadable()) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf frames;
    try {
      int from = batch.readerIndex();
      int to = batch.writerIndex();
      // A header of 2 bytes per line, 4 past 125 bytes and 10 past 65,535: room for the short ones, grown for others.
      frames = ctx.alloc().directBuffer(batch.readableBytes() + 2 * Math.max(1, batch.readableBytes() / 32));
      while (from < to) {
        int eol = batch.indexOf(from, to, (byte) '\n');
        int end = eol < 0 ? to : eol;
        int len = end - from;
        frames.ensureWritable(len + 10);
        frames.writeByte(0x81);
        if (len < 126) {
          frames.writeByte(len);
        } else if (len < 65536) {
          frames.writeByte(126).writeShort(len);
        } else {
          frames.writeByte(127).writeLong(len);
        }
        frames.writeBytes(batch, from, len);
        from = end + 1;
      }
    } finally {
      ReferenceCountUtil.release(batch);
    }
    ctx.write(frames, promise);
  }

  /**
   * A frame the codec could not take: one over its size limit is a message far over the maximum, as
   * {@link Signal#ENDLESS_LINE} says, and the connection's close frame then says it was too big (1009);
   * any other breach of the protocol goes on as the error it is, and the close frame says which.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof CorruptedWebSocketFrameException corrupt)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    closeStatus = corrupt.closeStatus();
    if (closeStatus.equals(WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
      dropMessage();
      ctx.fireChannelRead(Signal.ENDLESS_LINE);
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  /** Closing says goodbye with a close frame first, as WebSocket asks. */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    ctx.writeAndFlush(new CloseWebSocketFrame(closeStatus))
      .addListener((ChannelFutureListener) f -> ctx.close(promise));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropMessage();
  }
}
