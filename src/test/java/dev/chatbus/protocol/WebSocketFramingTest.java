package dev.chatbus.protocol;

import dev.chatbus.protocol.LineFraming.Signal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link WebSocketFraming}: messages in as lines, with {@link LineFraming}'s limits and signals; lines out as text frames. */
class WebSocketFramingTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();

  WebSocketFramingTest() {
    WebSocketFraming.install(channel.pipeline(), 8);
  }

  private List<Object> feed(WebSocketFrame... frames) {
    for (WebSocketFrame frame : frames) {
      channel.writeInbound(frame);
    }
    List<Object> out = new ArrayList<>();
    for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
      if (o instanceof ByteBuf b) {
        out.add(b.toString(StandardCharsets.UTF_8));
        b.release();
      } else {
        out.add(o);
      }
    }
    return out;
  }

  private static TextWebSocketFrame text(String s) {
    return new TextWebSocketFrame(s);
  }

  private static WebSocketFrame part(boolean first, boolean last, String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    return first ? new TextWebSocketFrame(last, 0, b) : new ContinuationWebSocketFrame(last, 0, b);
  }

  @Test
  void eachMessageIsALineWithoutTheLineEndingItMayCarry() {
    assertThat(feed(text("one"), text("two\r\n"), text(""), new BinaryWebSocketFrame(Unpooled.copiedBuffer("bin", StandardCharsets.UTF_8))))
      .containsExactly("one", "two", "", "bin");
  }

  @Test
  void fragmentsAreGatheredIntoOneMessage() {
    assertThat(feed(part(true, false, "{\"a\""), part(false, false, ":"), part(false, true, "1}"))).containsExactly("{\"a\":1}");
  }

  @Test
  void aMessageOverTheMaximumIsRefusedOnceAndTheNextOneReadAsUsual() {
    assertThat(feed(text("123456789"), text("12345678"))).containsExactly(Signal.LINE_TOO_LONG, "12345678");
    assertThat(feed(part(true, false, "12345"), part(false, false, "6789"), part(false, true, "0"), text("ok")))
      .containsExactly(Signal.LINE_TOO_LONG, "ok");
  }

  @Test
  void aMessageThatGoesOnEndlesslyIsSaidToOnce() {
    List<WebSocketFrame> frames = new ArrayList<>();
    frames.add(part(true, false, "x".repeat(8)));
    for (int i = 0; i < LineFraming.ENDLESS_FACTOR + 2; i++) {
      frames.add(part(false, false, "x".repeat(8)));
    }
    assertThat(feed(frames.toArray(WebSocketFrame[]::new))).containsExactly(Signal.LINE_TOO_LONG, Signal.ENDLESS_LINE);
  }

  @Test
  void pingsAreAnsweredAndACloseFrameEndsTheInput() {
    assertThat(feed(new PingWebSocketFrame(Unpooled.copiedBuffer("p", StandardCharsets.UTF_8)))).isEmpty();
    PongWebSocketFrame pong = channel.readOutbound();
    assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("p");
    pong.release();
    assertThat(feed(text("last"), new CloseWebSocketFrame())).containsExactly("last", Signal.INPUT_CLOSED);
  }

  @Test
  void linesAreFramedAsATextFrameEach() {
    String mid = "m".repeat(300);
    String big = "b".repeat(70_000);
    ByteBuf out = Unpooled.buffer();
    WebSocketFraming.frame(out, "{\"type\":\"a\"}\n\n" + mid + "\n");
    byte[] rendered = ("{\"type\":\"é\"}\n").getBytes(StandardCharsets.UTF_8);
    WebSocketFraming.frame(out, rendered, 0, rendered.length - 1);
    WebSocketFraming.frame(out, big + "\n");
    assertThat(out.readableBytes()).isLessThanOrEqualTo(WebSocketFraming.framedBytes("{\"type\":\"a\"}\n\n" + mid + "\n")
      + rendered.length + WebSocketFraming.MAX_HEADER_BYTES + WebSocketFraming.framedBytes(big + "\n"));
    // What the edge writes passes the handler as it is; read back as a browser reads it, with a client's decoder.
    channel.writeAndFlush(out);
    EmbeddedChannel browser = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
      browser.writeInbound(o);
    }
    List<String> got = new ArrayList<>();
    for (Object o = browser.readInbound(); o != null; o = browser.readInbound()) {
      assertThat(o).isInstanceOf(TextWebSocketFrame.class);
      got.add(((TextWebSocketFrame) o).text());
      ReferenceCountUtil.release(o);
    }
    assertThat(got).containsExactly("{\"type\":\"a\"}", "", mid, "{\"type\":\"é\"}", big);
  }

  @Test
  void closingIsAHandshakeThatReadsNothingMoreButTheClientsCloseFrame() {
    channel.close();
    Object first = channel.readOutbound();
    assertThat(first).isInstanceOf(CloseWebSocketFrame.class);
    assertThat(((CloseWebSocketFrame) first).statusCode()).isEqualTo(1000);
    ((CloseWebSocketFrame) first).release();
    // Still open, so that the client's last frames are not met with a reset; they are not read.
    assertThat(channel.isActive()).isTrue();
    assertThat(feed(text("one more"))).isEmpty();
    feed(new CloseWebSocketFrame());
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void closingAfterTheClientsCloseFrameIsAtOnce() {
    assertThat(feed(new CloseWebSocketFrame())).containsExactly(Signal.INPUT_CLOSED);
    channel.close();
    assertThat(channel.<Object>readOutbound()).isInstanceOf(CloseWebSocketFrame.class);
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void aSecondCloseClosesAtOnce() {
    channel.close();
    assertThat(channel.isActive()).isTrue();
    channel.close();
    assertThat(channel.isActive()).isFalse();
  }
}
