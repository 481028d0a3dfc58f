package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.RoomEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What every store does, run against each real database by a subclass. */
abstract class EventStoreContract {

  protected EventStore store;
  private long batches;

  /** Opens a new, empty store. */
  protected abstract EventStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static RoomEvent event(String room, long seq, RoomEvent.Kind kind, String text, long ts) {
    return new RoomEvent(kind, room, seq, Long.toString(1_000_000 + seq * 10 + room.length()), ts, 1, "alice", text, 1);
  }

  protected Persist.Batch batch(List<RoomEvent> events) {
    return new Persist.Batch(++batches, "node-a", events, List.of());
  }

  /** Events 1..n of {@code room}: joins at 1 and every fifth, messages otherwise. */
  protected List<RoomEvent> numbered(String room, int n) {
    List<RoomEvent> events = new ArrayList<>();
    for (int seq = 1; seq <= n; seq++) {
      events.add(seq % 5 == 1 ? event(room, seq, RoomEvent.Kind.JOIN, null, seq)
        : event(room, seq, RoomEvent.Kind.MESSAGE, "m" + seq, seq));
    }
    return events;
  }

  /** This test's run of a router, as claims record it. */
  protected static final String RUN = "node-a/1";

  protected List<RoomEvent> history(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly)
    throws Exception {
    return stored(room, limit, afterSeq, beforeSeq, messagesOnly).events();
  }

  protected Persist.Stored stored(String room, int limit, long afterSeq, long beforeSeq, boolean messagesOnly)
    throws Exception {
    return store.history(new Persist.Query(room, limit, afterSeq, beforeSeq, messagesOnly));
  }

  /** The first number {@code room} keeps, and its latest. */
  private long[] range(String room) throws Exception {
    Persist.Stored s = stored(room, 1, -1, Long.MAX_VALUE, false);
    return new long[]{s.firstSeq(), s.lastSeq()};
  }

  private static List<Long> seqs(List<RoomEvent> events) {
    return events.stream().map(RoomEvent::seq).toList();
  }

  @Test
  void afterASequenceNumberOldestFirst() throws Exception {
    store.write(List.of(batch(numbered("rust", 10)), batch(numbered("go", 3))), Map.of());
    assertThat(seqs(history("rust", 3, 4, Long.MAX_VALUE, false))).containsExactly(5L, 6L, 7L);
    assertThat(seqs(history("rust", 100, 8, Long.MAX_VALUE, false))).containsExactly(9L, 10L);
    assertThat(history("rust", 100, 10, Long.MAX_VALUE, false)).isEmpty();
  }

  @Test
  void beforeASequenceNumberTheNewestOldestFirst() throws Exception {
    store.write(List.of(batch(numbered("rust", 10))), Map.of());
    assertThat(seqs(history("rust", 3, -1, 9, false))).containsExactly(6L, 7L, 8L);
    assertThat(seqs(history("rust", 3, -1, Long.MAX_VALUE, false))).containsExactly(8L, 9L, 10L);
    assertThat(seqs(history("rust", 100, -1, 3, false))).containsExactly(1L, 2L);
  }

  @Test
  void messagesOnlyLeavesOutJoinsAndLeaves() throws Exception {
    store.write(List.of(batch(numbered("rust", 10))), Map.of());
    assertThat(seqs(history("rust", 4, -1, Long.MAX_VALUE, true))).containsExactly(7L, 8L, 9L, 10L);
    assertThat(seqs(history("rust", 100, 5, Long.MAX_VALUE, true))).containsExactly(7L, 8L, 9L, 10L);
  }

  @Test
  void everyFieldComesBack() throws Exception {
    RoomEvent leave = new RoomEvent(RoomEvent.Kind.LEAVE, "café", 1, "252189310721671168", 1_795_816_217_126L, 42,
      "Bob[1]", "quit: ünïcødé 🌍", 1);
    RoomEvent rename = new RoomEvent(RoomEvent.Kind.RENAME, "café", 2, "252189310721671169", 1_795_816_217_127L, 42,
      "Bob[1]", "robert", 1);
    store.write(List.of(batch(List.of(leave, rename))), Map.of());
    List<RoomEvent> back = history("café", 10, 0, Long.MAX_VALUE, false);
    assertThat(back).hasSize(2);
    // The session is live state, not history: it comes back as 0.
    assertThat(back.get(0)).isEqualTo(new RoomEvent(RoomEvent.Kind.LEAVE, "café", 1, "252189310721671168",
      1_795_816_217_126L, 0, "Bob[1]", "quit: ünïcødé 🌍", 1));
    assertThat(back.get(1).kind()).isEqualTo(RoomEvent.Kind.RENAME);
    assertThat(back.get(1).text()).isEqualTo("robert");
  }

  @Test
  void aMessageIsFoundByItsIdAndATimeByTheFirstEventsFromIt() throws Exception {
    // numbered() gives event n of a room the time n; the id of event n of rust is 1_000_000 + 10n + 4.
    List<RoomEvent> rust = new ArrayList<>(numbered("rust", 10));
    rust.add(event("rust", 11, RoomEvent.Kind.MESSAGE, "same millisecond", 20));
    rust.add(event("rust", 12, RoomEvent.Kind.MESSAGE, "same millisecond", 20));
    store.write(List.of(batch(rust), batch(numbered("go", 3))), Map.of());
    assertThat(store.locate(new Persist.Locate("rust", false, 1_000_074))).isEqualTo(new Persist.Located(7, -1, 12, 7));
    assertThat(store.locate(new Persist.Locate("rust", false, 1_000_022))).as("a message of go")
      .isEqualTo(new Persist.Located(-1, -1, 12));
    assertThat(store.locate(new Persist.Locate("rust", true, 5))).isEqualTo(new Persist.Located(5, 6, 12));
    assertThat(store.locate(new Persist.Locate("rust", true, 0))).isEqualTo(new Persist.Located(1, 1, 12));
    assertThat(store.locate(new Persist.Locate("rust", true, 15))).isEqualTo(new Persist.Located(11, 11, 12));
    assertThat(store.locate(new Persist.Locate("rust", true, 20))).as("the first of two at once")
      .isEqualTo(new Persist.Located(11, -1, 12));
    assertThat(store.locate(new Persist.Locate("rust", true, 21))).isEqualTo(new Persist.Located(-1, -1, 12));
    assertThat(store.locate(new Persist.Locate("never", true, 1))).isEqualTo(new Persist.Located(-1, -1, 0));

    store.prune(Set.of("rust"), 4, 0);
    assertThat(store.locate(new Persist.Locate("rust", false, 1_000_074)).seq()).as("pruned").isEqualTo(-1);
    assertThat(store.locate(new Persist.Locate("rust", true, 1))).isEqualTo(new Persist.Located(9, 9, 12));
  }

  @Test
  void writingABatchAgainChangesNothing() throws Exception {
    Persist.Batch b = new Persist.Batch(1, "node-a", numbered("rust", 5),
      List.of(new PrivateMessage(1, "bob", 2, "alice", "text@n", "psst", RoomEvent.Kind.MESSAGE, "77", 9)));
    store.write(List.of(b), Map.of());
    store.write(List.of(b), Map.of());
    assertThat(seqs(history("rust", 100, 0, Long.MAX_VALUE, false))).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void aClaimNumbersOnFromTheLatestSequenceNumber() throws Exception {
    assertThat(store.claim("new", 0, RUN)).isEqualTo(new Persist.Claimed("new", 1, 0));
    store.write(List.of(batch(numbered("rust", 10)), batch(numbered("go", 3))), Map.of());
    store.write(List.of(batch(List.of(event("rust", 11, RoomEvent.Kind.MESSAGE, "late", 11)))), Map.of());
    assertThat(store.claim("rust", 0, RUN)).isEqualTo(new Persist.Claimed("rust", 1, 11));
    assertThat(store.claim("go", 0, RUN)).isEqualTo(new Persist.Claimed("go", 1, 3));
  }

  @Test
  void eventsNumberedUnderAnOlderEpochThanTheirRoomsAreNotStored() throws Exception {
    assertThat(store.claim("rust", 0, RUN).epoch()).isEqualTo(1);
    assertThat(store.write(List.of(batch(numbered("rust", 3))), Map.of())).isEmpty();
    // node-b claims the room and numbers on, while node-a, paused past the failure detector, goes on in epoch 1.
    assertThat(store.claim("rust", 0, "node-b/1")).isEqualTo(new Persist.Claimed("rust", 2, 3));
    RoomEvent late = new RoomEvent(RoomEvent.Kind.MESSAGE, "rust", 4, "5000001", 40, 1, "alice", "from node-a", 1);
    assertThat(store.write(List.of(batch(List.of(late)), batch(numbered("go", 2))), Map.of()))
      .as("refused, though its number is free").isEqualTo(Map.of("rust", 2L));
    RoomEvent current = new RoomEvent(RoomEvent.Kind.MESSAGE, "rust", 4, "5000002", 41, 2, "bob", "from node-b", 2);
    assertThat(store.write(List.of(batch(List.of(current))), Map.of())).isEmpty();
    assertThat(history("rust", 100, 0, Long.MAX_VALUE, false)).extracting(RoomEvent::text)
      .containsExactly(null, "m2", "m3", "from node-b");
    assertThat(seqs(history("go", 100, 0, Long.MAX_VALUE, false))).as("the rest of the batch").containsExactly(1L, 2L);
  }

  @Test
  void everyClaimStartsANewEpoch() throws Exception {
    store.write(List.of(batch(numbered("rust", 2))), Map.of());
    assertThat(store.claim("rust", 0, RUN).epoch()).isEqualTo(1);
    assertThat(store.claim("rust", 0, RUN).epoch()).isEqualTo(2);
    assertThat(store.claim("rust", 0, RUN)).isEqualTo(new Persist.Claimed("rust", 3, 2));
    assertThat(store.claim("rust", 10, RUN).epoch()).as("at least as high as asked").isEqualTo(10);
    assertThat(store.claim("rust", 0, RUN).epoch()).isEqualTo(11);
    assertThat(range("rust")[1]).isEqualTo(2);
    assertThat(range("never")).containsExactly(1, 0);
  }

  @Test
  void pruningKeepsTheNewestPerRoomAndTheNumbering() throws Exception {
    store.write(List.of(batch(numbered("rust", 10)), batch(numbered("go", 3))), Map.of());
    assertThat(store.prune(Set.of("rust", "go"), 4, 0)).isEqualTo(6);
    assertThat(seqs(history("rust", 100, 0, Long.MAX_VALUE, false))).containsExactly(7L, 8L, 9L, 10L);
    assertThat(range("rust")).containsExactly(7, 10);
    assertThat(range("go")).containsExactly(1, 3);
    assertThat(store.claim("rust", 0, RUN).lastSeq()).isEqualTo(10);
    assertThat(store.prune(Set.of("rust"), 4, 0)).as("nothing more to go").isZero();
    store.write(List.of(batch(List.of(event("rust", 11, RoomEvent.Kind.MESSAGE, "m11", 11)))), Map.of());
    assertThat(store.prune(Set.of("rust"), 4, 0)).isEqualTo(1);
    assertThat(range("rust")).containsExactly(8, 11);
  }

  @Test
  void readsStartAtTheFirstNumberKept() throws Exception {
    store.write(List.of(batch(numbered("rust", 10))), Map.of());
    store.prune(Set.of("rust"), 3, 0);
    assertThat(seqs(history("rust", 2, 0, Long.MAX_VALUE, false))).containsExactly(8L, 9L);
    assertThat(seqs(history("rust", 100, -1, 9, true))).containsExactly(8L);
    assertThat(history("rust", 100, -1, 8, false)).isEmpty();
  }

  @Test
  void aRunThatClaimedARoomFindsItsEpochAgainAndNoOtherRunDoes() throws Exception {
    assertThat(store.look("rust", RUN)).isEqualTo(new Persist.Claimed("rust", 0, 0));
    long epoch = store.claim("rust", 0, RUN).epoch();
    store.write(List.of(batch(numbered("rust", 4))), Map.of());
    assertThat(store.look("rust", RUN)).isEqualTo(new Persist.Claimed("rust", epoch, 4));
    assertThat(store.look("rust", "node-a/2").epoch()).as("a later run of the node").isZero();
    store.claim("rust", 0, "node-b/1");
    assertThat(store.look("rust", RUN).epoch()).as("another node took it up since").isZero();
  }

  @Test
  void numbersGivenToLostEventsAreNeverGivenAgain() throws Exception {
    store.write(List.of(batch(numbered("rust", 3))), Map.of("rust", 9L, "gone", 4L));
    assertThat(store.claim("rust", 0, RUN).lastSeq()).isEqualTo(9);
    assertThat(store.claim("gone", 0, RUN).lastSeq()).isEqualTo(4);
  }

  @Test
  void pruningByAge() throws Exception {
    store.write(List.of(batch(numbered("rust", 10))), Map.of());
    assertThat(store.prune(Set.of(), 0, 4)).isEqualTo(3);
    assertThat(range("rust")).containsExactly(4, 10);
    assertThat(range("nowhere")).containsExactly(1, 0);
  }
}
