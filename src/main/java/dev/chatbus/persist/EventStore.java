package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.bus.RoomEvent;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the history lives. Every method blocks: only the persistence worker calls them, one at a time.
 * <p>
 * Writes are idempotent, so a batch whose commit went unconfirmed can be written again.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Stores the batches in one transaction, together with each room's latest sequence number, counting
   * also {@code alsoNumbered}: numbers given to events that could not be stored, never to be used again.
   */
  void write(List<Persist.Batch> batches, Map<String, Long> alsoNumbered) throws SQLException;

  /**
   * Events of {@code room}, oldest first: the first {@code limit} after {@code afterSeq} when it is not
   * negative, else the last {@code limit} before {@code beforeSeq}; only messages and actions when
   * {@code messagesOnly}.
   */
  List<RoomEvent> history(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly)
    throws SQLException;

  /** The smallest sequence number still stored for {@code room}, or {@link Long#MAX_VALUE} if none is. */
  long firstSeq(String room) throws SQLException;

  /**
   * Takes up the numbering of {@code room}: raises its epoch by one, or to {@code atLeast} if that is
   * higher, and returns the new epoch with the room's latest stored sequence number (seq 0 for a room never
   * seen). Atomic across nodes sharing the store.
   */
  Persist.Claimed claim(String room, long atLeast) throws SQLException;

  /** The latest sequence number stored (or given out unstored) in {@code room}; 0 if none. */
  long lastSeq(String room) throws SQLException;

  /**
   * Removes the events of {@code rooms} beyond each one's newest {@code keepPerRoom} (0 keeps all), and
   * every event and private message older than {@code olderThan} (epoch milliseconds; 0 keeps all).
   * Returns how many rows went.
   */
  long prune(Set<String> rooms, long keepPerRoom, long olderThan) throws SQLException;

  @Override
  void close();
}
