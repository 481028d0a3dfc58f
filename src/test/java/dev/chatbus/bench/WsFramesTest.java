package dev.chatbus.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator's WebSocket frames, whatever the sizes of the reads they arrive in. */
class WsFramesTest {

  @Test
  void framesSplitAnyWayComeOutAsTheirLines() throws IOException {
    Random random = new Random(7);
    List<String> sent = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < 5000; i++) {
      String text = "{\"n\":" + i + ",\"text\":\"" + "y".repeat(random.nextInt(i % 100 == 0 ? 70_000 : 300)) + "\"}";
      sent.add(text);
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      // As the server frames them: unmasked.
      wire.write(0x81);
      if (b.length < 126) {
        wire.write(b.length);
      } else if (b.length < 65536) {
        wire.write(126);
        wire.write(b.length >>> 8);
        wire.write(b.length);
      } else {
        wire.write(127);
        for (int s = 56; s >= 0; s -= 8) {
          wire.write((int) ((long) b.length >>> s));
        }
      }
      wire.write(b);
    }
    byte[] all = wire.toByteArray();
    WsFrames frames = new WsFrames();
    byte[] out = new byte[256 << 10];
    StringBuilder got = new StringBuilder();
    for (int at = 0; at < all.length; ) {
      int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 50 : 200_000));
      int len = frames.unframe(ByteBuffer.wrap(all, at, n), out);
      got.append(new String(out, 0, len, StandardCharsets.US_ASCII));
      at += n;
    }
    assertThat(got.toString()).isEqualTo(String.join("\n", sent) + "\n");
  }
}
