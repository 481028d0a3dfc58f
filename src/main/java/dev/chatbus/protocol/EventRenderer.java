package dev.chatbus.protocol;

import dev.chatbus.bus.RoomEvent;

/** Renders room events as lines of one protocol, the same for every client that reads them alike. */
public interface EventRenderer {

  /** {@code event} as zero or more complete lines, each ending in the protocol's line ending. */
  String roomEvent(RoomEvent event);
}
