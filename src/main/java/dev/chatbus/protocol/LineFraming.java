package dev.chatbus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits a connection's bytes into lines with a hard maximum length, in front of the application.
 * <p>
 * The application then reads, in order: one {@link ByteBuf} per line (without {@code \n} or {@code \r\n};
 * the reader releases it), {@link Signal#LINE_TOO_LONG} for each line over the maximum (its bytes are
 * discarded as they arrive, never buffered, and the connection stays usable), and
 * {@link Signal#INPUT_CLOSED} once the client has shut down its side, after its last line. A last line
 * without a line ending still counts.
 */
public final class LineFraming {

  /** What the framing tells the application besides lines. */
  public enum Signal {
    LINE_TOO_LONG, INPUT_CLOSED
  }

  private LineFraming() {
  }

  /** Adds the framing handlers at the end of {@code pipeline}: the application's handler goes after them. */
  public static void install(ChannelPipeline pipeline, int maxLineBytes) {
    pipeline.addLast(new Lines(maxLineBytes), SIGNALS);
  }

  private static final class Lines extends LineBasedFrameDecoder {
    Lines(int maxLineBytes) {
      super(maxLineBytes, true, false);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      super.decodeLast(ctx, in, out);
      int n = in.readableBytes();
      if (n > 0) {
        int end = in.getByte(in.readerIndex() + n - 1) == '\r' ? n - 1 : n;
        out.add(in.readRetainedSlice(end));
        in.skipBytes(n - end);
      }
    }
  }

  private static final Signals SIGNALS = new Signals();

  /** Turns the decoder's too-long error and the input shutdown into in-band signals, so neither closes the connection. */
  @ChannelHandler.Sharable
  private static final class Signals extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof TooLongFrameException) {
        ctx.fireChannelRead(Signal.LINE_TOO_LONG);
      } else {
        ctx.fireExceptionCaught(cause);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == ChannelInputShutdownEvent.INSTANCE) {
        ctx.fireChannelRead(Signal.INPUT_CLOSED);
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }
  }
}
