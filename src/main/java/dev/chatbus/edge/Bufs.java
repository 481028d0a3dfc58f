package dev.chatbus.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/** Turning rendered text into the direct buffers sockets write. */
final class Bufs {

  private Bufs() {
  }

  /** {@code text} as UTF-8 in a direct buffer of exactly its size, owned by the caller. */
  static ByteBuf utf8(ByteBufAllocator alloc, String text) {
    ByteBuf buf = alloc.directBuffer(ByteBufUtil.utf8Bytes(text));
    ByteBufUtil.writeUtf8(buf, text);
    return buf;
  }
}
