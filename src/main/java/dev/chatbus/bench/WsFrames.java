package dev.chatbus.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The WebSocket frames of one client: what the server sends (unmasked) is turned back into lines, one per
 * text frame, for the line reader; what the client sends is framed, masked with a key of zeros (a valid
 * key, which leaves the payload as it is: the load generator needs no secrecy from the server it measures).
 */
final class WsFrames {

  private static final int TEXT = 0x1;
  private static final int CLOSE = 0x8;

  /** The start of a frame not yet complete, carried to the next read; empty when there is none. */
  private byte[] rest = new byte[0];

  /**
   * Writes the payload of each complete frame in {@code in} (after what was left of the last read), each
   * followed by {@code \n}, into {@code out} from 0; returns how many bytes it wrote, or -1 once the server
   * has sent its close frame.
   */
  int unframe(ByteBuffer in, byte[] out) throws IOException {
    byte[] b;
    int limit;
    if (rest.length == 0) {
      limit = in.remaining();
      b = out.length >= limit * 2 ? null : new byte[limit];
      if (b == null) {
        // Room to spare: the frames are read from the end of out, their payloads written from its start.
        b = out;
        in.get(out, out.length - limit, limit);
        return unframe(b, out.length - limit, out.length, out);
      }
      in.get(b, 0, limit);
    } else {
      limit = rest.length + in.remaining();
      b = Arrays.copyOf(rest, limit);
      in.get(b, rest.length, in.remaining());
    }
    return unframe(b, 0, limit, out);
  }

  private int unframe(byte[] b, int from, int limit, byte[] out) throws IOException {
    int p = from;
    int written = 0;
    while (limit - p >= 2) {
      int opcode = b[p] & 0x0f;
      int len = b[p + 1] & 0x7f;
      int header = 2;
      if (len == 126) {
        if (limit - p < 4) {
          break;
        }
        len = (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
        header = 4;
      } else if (len == 127) {
        if (limit - p < 10) {
          break;
        }
        long l = 0;
        for (int i = 2; i < 10; i++) {
          l = l << 8 | b[p + i] & 0xff;
        }
        if (l > out.length / 2) {
          throw new IOException("a frame of " + l + " bytes from the server");
        }
        len = (int) l;
        header = 10;
      }
      if (limit - p < header + len) {
        break;
      }
      if (opcode == CLOSE) {
        return -1;
      }
      if (opcode == TEXT) {
        System.arraycopy(b, p + header, out, written, len);
        written += len;
        out[written++] = '\n';
      }
      p += header + len;
    }
    rest = p == limit ? new byte[0] : Arrays.copyOfRange(b, p, limit);
    return written;
  }

  /** Writes the header of a masked text frame of {@code len} bytes into {@code out}: the text follows. */
  static void header(ByteBuffer out, int len) {
    out.put((byte) (0x80 | TEXT));
    if (len < 126) {
      out.put((byte) (0x80 | len));
    } else {
      out.put((byte) (0x80 | 126)).put((byte) (len >>> 8)).put((byte) len);
    }
    out.putInt(0);
  }

  /** The most {@link #header} adds to a text of up to 65,535 bytes. */
  static final int OVERHEAD = 8;
}
