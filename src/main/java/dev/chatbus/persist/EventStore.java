package dev.chatbus.persist;

import dev.chatbus.bus.Persist;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the history lives. Every method blocks: only the persistence worker (writes, claims, pruning) and
 * the history readers (reads) call them, each on its own thread.
 * <p>
 * Writes are idempotent, so a batch whose commit went unconfirmed can be written again.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Stores the batches in one transaction, together with each room's latest sequence number, counting
   * also {@code alsoNumbered}: numbers given to events that could not be stored, never to be used again.
   * <p>
   * Fencing: an event numbered under an epoch older than its room's current one (another router has claimed
   * the room since) is not stored. The check is made inside the transaction, with the rooms' rows locked, so
   * a claim is either before the write (and fences it) or after it (and counts its numbers). Since each epoch
   * has one router numbering it, and a new epoch numbers on from what its claim found, a {@code (room, seq)}
   * already stored under another id cannot arise: what is written again is a batch whose commit went
   * unconfirmed, the same events.
   *
   * @return the rooms some of whose events were refused so, each with its current epoch; empty when none were
   */
  Map<String, Long> write(List<Persist.Batch> batches, Map<String, Long> alsoNumbered) throws SQLException;

  /**
   * Events of a room, oldest first: the first {@code limit} after {@code afterSeq} when the query reads
   * forwards, else the last {@code limit} before {@code beforeSeq}; only messages and actions when
   * {@code messagesOnly}. With them, the first number the room still keeps and the latest given out in it
   * (1 and 0 for a room never seen). Costs the same whatever the room's size.
   */
  Persist.Stored history(Persist.Query query) throws SQLException;

  /**
   * Where a mark falls among the stored events of a room still kept: the number of the message with an id,
   * or of the first event at a time or later and of the first event later than it. Costs the same whatever
   * the room's size.
   */
  Persist.Located locate(Persist.Locate locate) throws SQLException;

  /**
   * Takes up the numbering of {@code room} for the router run {@code run}: raises its epoch by one, or to
   * {@code atLeast} if that is higher, and returns the new epoch with the room's latest stored sequence
   * number (seq 0 for a room never seen). Atomic across nodes sharing the store.
   */
  Persist.Claimed claim(String room, long atLeast, String run) throws SQLException;

  /**
   * Where the numbering of {@code room} stands: its epoch, if {@code run} took up that epoch (0 if another
   * run did since, or none ever did), and its latest number.
   */
  Persist.Claimed look(String room, String run) throws SQLException;

  /**
   * Removes the events of {@code rooms} beyond each one's newest {@code keepPerRoom} (0 keeps all), and
   * every event and private message older than {@code olderThan} (epoch milliseconds; 0 keeps all), raising
   * each room's first kept number past what went. Returns how many rows went.
   */
  long prune(Set<String> rooms, long keepPerRoom, long olderThan) throws SQLException;

  @Override
  void close();
}
