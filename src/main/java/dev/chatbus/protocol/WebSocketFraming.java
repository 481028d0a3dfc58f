package dev.chatbus.protocol;

import dev.chatbus.protocol.LineFraming.Signal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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

import java.nio.charset.StandardCharsets;

/**
 * The WebSocket counterpart of {@link LineFraming}, for a client that speaks the JSON-lines protocol one
 * message per line: the application reads what it reads from {@link LineFraming} (a {@link ByteBuf} per
 * message, {@link Signal#LINE_TOO_LONG} for a message over the maximum, {@link Signal#ENDLESS_LINE} once one
 * has run on past {@link LineFraming#ENDLESS_FACTOR} times it, {@link Signal#INPUT_CLOSED} for the client's
 * close frame), and writes the lines it writes to a TCP client, each as one text frame, framed already
 * ({@link #frame}) into the buffers it writes. Pings are answered here; a message's fragments are gathered
 * up to the maximum, and what goes past it is discarded as it arrives, never buffered.
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
  /** Whether the client's close frame has come. */
  private boolean closeReceived;
  /** Whether the client broke the protocol: nothing more it sends is read, its close frame neither. */
  private boolean corrupt;
  /** Set once this side's close frame is sent: the connection closes when the client's answers it. */
  private ChannelPromise closing;

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
    if (closing != null) {
      // Closing: what the client still sends is not read, up to its close frame, which ends the connection.
      boolean answered = msg instanceof CloseWebSocketFrame;
      ReferenceCountUtil.release(msg);
      if (answered) {
        closeReceived = true;
        ctx.close(closing);
      }
    } else if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
    } else if (msg instanceof PongWebSocketFrame pong) {
      pong.release();
    } else if (msg instanceof CloseWebSocketFrame close) {
      close.release();
      closeReceived = true;
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

  /** The most bytes a text frame's header takes. */
  public static final int MAX_HEADER_BYTES = 10;

  /**
   * Writes {@code len} bytes of {@code line} from {@code offset} (one line, without its ending) into {@code out}
   * as one text frame, unmasked as a server's are. The edge frames what it sends this way, into the batch it
   * writes once per event-loop turn, so that a WebSocket client costs a delivery one copy, as a TCP client
   * does, rather than a frame object and a buffer per line; what it writes then passes this handler as it is.
   */
  public static void frame(ByteBuf out, byte[] line, int offset, int len) {
    header(out, len);
    out.writeBytes(line, offset, len);
  }

  /** Writes each line of {@code lines} (each ended by {@code \n}) into {@code out} as a text frame. */
  public static void frame(ByteBuf out, String lines) {
    int from = 0;
    while (from < lines.length()) {
      int eol = lines.indexOf('\n', from);
      int end = eol < 0 ? lines.length() : eol;
      header(out, ByteBufUtil.utf8Bytes(lines, from, end));
      out.writeCharSequence(lines.subSequence(from, end), StandardCharsets.UTF_8);
      from = end + 1;
    }
  }

  /** An upper bound of what {@link #frame(ByteBuf, String)} writes for {@code lines}. */
  public static int framedBytes(String lines) {
    int count = 1;
    for (int i = lines.indexOf('\n'); i >= 0; i = lines.indexOf('\n', i + 1)) {
      count++;
    }
    return ByteBufUtil.utf8MaxBytes(lines) + count * MAX_HEADER_BYTES;
  }

  private static void header(ByteBuf out, int len) {
    out.ensureWritable(len + MAX_HEADER_BYTES);
    out.writeByte(0x81);
    if (len < 126) {
      out.writeByte(len);
    } else if (len < 65536) {
      out.writeByte(126).writeShort(len);
    } else {
      out.writeByte(127).writeLong(len);
    }
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
    this.corrupt = true;
    if (closeStatus.equals(WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
      dropMessage();
      ctx.fireChannelRead(Signal.ENDLESS_LINE);
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  /**
   * Closing is WebSocket's closing handshake: this side's close frame, then the socket closes once the client
   * answers with its own (what it sends meanwhile is not read). Closing the socket at once would have the
   * kernel reset the connection if the client were still sending, and a reset can cost the client the last
   * lines it was sent, its goodbye among them. When the client's close frame came first, or the client broke
   * the protocol, or the socket is being closed a second time (the edge's sweep closes a client that has not
   * answered within the slow-consumer time, and a shutdown's grace ends so), it closes at once.
   */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!ctx.channel().isActive() || closing != null) {
      ctx.close(promise);
      return;
    }
    boolean now = closeReceived || corrupt;
    closing = promise;
    ctx.writeAndFlush(new CloseWebSocketFrame(closeStatus)).addListener((ChannelFutureListener) f -> {
      if (now || !f.isSuccess()) {
        ctx.close(promise);
      } else {
        // The client's answer must be read, whatever the connection was holding back.
        ctx.channel().config().setAutoRead(true);
      }
    });
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropMessage();
  }
}
