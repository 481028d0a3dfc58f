package dev.chatbus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineFramingTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();

  LineFramingTest() {
    LineFraming.install(channel.pipeline(), 8);
  }

  private List<Object> feed(String... chunks) {
    for (String chunk : chunks) {
      channel.writeInbound(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8));
    }
    return read();
  }

  private List<Object> read() {
    List<Object> out = new ArrayList<>();
    for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
      if (o instanceof ByteBuf) {
        ByteBuf b = (ByteBuf) o;
        out.add(b.toString(StandardCharsets.UTF_8));
        b.release();
      } else {
        out.add(o);
      }
    }
    return out;
  }

  @Test
  void splitsLinesAndStripsEndings() {
    assertThat(feed("one\ntwo\r\nthr", "ee\n")).containsExactly("one", "two", "three");
  }

  @Test
  void keepsEmptyLines() {
    assertThat(feed("\n\r\n")).containsExactly("", "");
  }

  @Test
  void aLoneCarriageReturnIsPartOfTheLine() {
    assertThat(feed("a\rb\n")).containsExactly("a\rb");
  }

  @Test
  void aLineAtTheLimitPasses() {
    assertThat(feed("12345678\n")).containsExactly("12345678");
  }

  @Test
  void aLongLineBecomesOneSignalAndTheNextLineIsFine() {
    assertThat(feed("123456789\nok\n")).containsExactly(LineFraming.Signal.LINE_TOO_LONG, "ok");
  }

  @Test
  void aLongLineAcrossReadsIsDiscardedAsItArrives() {
    assertThat(feed("1234567890", "1234567890", "12\nnext\n")).containsExactly(LineFraming.Signal.LINE_TOO_LONG, "next");
  }

  @Test
  void aLineIsTooLongAsSoonAsItCrossesTheLimitBeforeItsEnd() {
    assertThat(feed("1234567", "8\r")).isEmpty();
    assertThat(feed("0")).containsExactly(LineFraming.Signal.LINE_TOO_LONG);
    assertThat(feed("more of the same", "\nok\n")).containsExactly("ok");
  }

  @Test
  void aLineAtTheLimitWithItsCarriageReturnStillPasses() {
    assertThat(feed("12345678\r", "\n")).containsExactly("12345678");
  }

  @Test
  void aLineRunningOnPastTheEndlessBoundIsSignalledOnce() {
    int endless = 8 * LineFraming.ENDLESS_FACTOR;
    assertThat(feed("x".repeat(endless - 1))).containsExactly(LineFraming.Signal.LINE_TOO_LONG);
    assertThat(feed("x")).containsExactly(LineFraming.Signal.ENDLESS_LINE);
    assertThat(feed("x".repeat(endless))).isEmpty();
  }

  @Test
  void oneHugeReadIsBothTooLongAndEndless() {
    assertThat(feed("x".repeat(8 * LineFraming.ENDLESS_FACTOR + 1)))
      .containsExactly(LineFraming.Signal.LINE_TOO_LONG, LineFraming.Signal.ENDLESS_LINE);
  }

  @Test
  void linesBeforeAndAfterATooLongOneKeepTheirOrder() {
    assertThat(feed("a\n123456789\nb\n")).containsExactly("a", LineFraming.Signal.LINE_TOO_LONG, "b");
  }

  @Test
  void endOfInputFlushesTheLastLineThenSignals() {
    assertThat(feed("a\nlast\r")).containsExactly("a");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(read()).containsExactly("last", LineFraming.Signal.INPUT_CLOSED);
  }

  @Test
  void aLastLineOneOverTheLimitIsTooLongAtTheEndOfInput() {
    assertThat(feed("123456789")).isEmpty();
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(read()).containsExactly(LineFraming.Signal.LINE_TOO_LONG, LineFraming.Signal.INPUT_CLOSED);
  }

  @Test
  void endOfInputWithNothingPending() {
    assertThat(feed("a\n")).containsExactly("a");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(read()).containsExactly(LineFraming.Signal.INPUT_CLOSED);
  }
}
