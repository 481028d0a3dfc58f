package dev.chatbus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a connection's bytes into lines with a hard maximum length, in front of the application.
 * <p>
 * The application then reads, in order: one {@link ByteBuf} per line (without {@code \n} or {@code \r\n};
 * the reader releases it), {@link Signal#LINE_TOO_LONG} for each line over the maximum, as soon as it
 * crosses it (its bytes are discarded as they arrive, never buffered, and the connection stays usable),
 * {@link Signal#ENDLESS_LINE} once one line has gone on past {@link #ENDLESS_FACTOR} times the maximum
 * (a client that never ends its line, for which the connection ends), and {@link Signal#INPUT_CLOSED} once
 * the client has shut down its side, after its last line. A last line without a line ending still counts.
 */
public final class LineFraming {

  /** How many times the maximum one line may run on, discarded, before the client counts as broken. */
  public static final int ENDLESS_FACTOR = 64;

  /** What the framing tells the application besides lines. */
  public enum Signal {
    LINE_TOO_LONG, ENDLESS_LINE, INPUT_CLOSED
  }

  private LineFraming() {
  }

  /** Adds the framing handlers at the end of {@code pipeline}: the application's handler goes after them. */
  public static void install(ChannelPipeline pipeline, int maxLineBytes) {
    pipeline.addLast(new Lines(maxLineBytes), SIGNALS);
  }

  /** Lines of at most {@code max} bytes; what runs longer is skipped up to its end. */
  private static final class Lines extends ByteToMessageDecoder {
    private final int max;
    private final long endless;
    /** Bytes of the current line already looked at for its end, when none was found. */
    private int scanned;
    /** True while skipping a line over the maximum, up to its end. */
    private boolean discarding;
    private long discarded;

    Lines(int max) {
      this.max = max;
      this.endless = (long) max * ENDLESS_FACTOR;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      while (in.isReadable()) {
        int start = in.readerIndex();
        int eol = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
        if (discarding) {
          if (eol >= 0) {
            in.skipBytes(eol - start + 1);
            discarding = false;
            discarded = 0;
          } else {
            discard(in, out);
          }
          continue;
        }
        if (eol < 0) {
          // One byte more than the maximum may be the '\r' of a line at the limit: past that it is too long.
          int n = in.readableBytes();
          if (n > max + 1) {
            scanned = 0;
            discarding = true;
            out.add(Signal.LINE_TOO_LONG);
            discard(in, out);
          } else {
            scanned = n;
          }
          return;
        }
        scanned = 0;
        int length = eol - start;
        int content = length > 0 && in.getByte(eol - 1) == '\r' ? length - 1 : length;
        if (content > max) {
          in.skipBytes(length + 1);
          out.add(Signal.LINE_TOO_LONG);
        } else {
          out.add(in.readRetainedSlice(content));
          in.skipBytes(length - content + 1);
        }
      }
    }

    /** Skips everything readable of a line being discarded, and says so once it has run on endlessly. */
    private void discard(ByteBuf in, List<Object> out) {
      long before = discarded;
      discarded += in.readableBytes();
      in.skipBytes(in.readableBytes());
      if (before < endless && discarded >= endless) {
        out.add(Signal.ENDLESS_LINE);
      }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      decode(ctx, in, out);
      int n = in.readableBytes();
      if (n > 0 && !discarding) {
        int end = in.getByte(in.readerIndex() + n - 1) == '\r' ? n - 1 : n;
        out.add(end > max ? Signal.LINE_TOO_LONG : in.readRetainedSlice(end));
        in.skipBytes(n - (end > max ? 0 : end));
      }
      in.skipBytes(in.readableBytes());
      scanned = 0;
    }
  }

  private static final Signals SIGNALS = new Signals();

  /** Turns the input shutdown into an in-band signal after the last line, so that it does not close the connection. */
  @ChannelHandler.Sharable
  private static final class Signals extends ChannelInboundHandlerAdapter {
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
