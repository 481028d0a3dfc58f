package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a history answer is put together: merged, judged complete or not, and cut to its size. */
class HistoryPageTest {

  private static List<RoomEvent> seqs(long from, long to) {
    List<RoomEvent> events = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      events.add(new RoomEvent(RoomEvent.Kind.MESSAGE, "r", s, Long.toString(s), s, 0, "a", "t", 1));
    }
    return events;
  }

  private static Persist.Query after(long afterSeq, int limit) {
    return new Persist.Query("r", limit, afterSeq, Long.MAX_VALUE, false);
  }

  private static Persist.Query before(long beforeSeq, int limit) {
    return new Persist.Query("r", limit, -1, beforeSeq, false);
  }

  @Test
  void afterEverythingThereIsNothingMissing() {
    assertThat(HistoryPage.complete(after(10, 5), List.of(), 1, 10)).isTrue();
  }

  @Test
  void aFullPageFromTheRightPlace() {
    assertThat(HistoryPage.complete(after(3, 5), seqs(4, 8), 1, 20)).isTrue();
  }

  @Test
  void aShortPageThatReachesTheLatest() {
    assertThat(HistoryPage.complete(after(3, 50), seqs(4, 8), 1, 8)).isTrue();
  }

  @Test
  void theStartWasPruned() {
    assertThat(HistoryPage.complete(after(3, 50), seqs(10, 20), 10, 20)).isFalse();
  }

  @Test
  void theEndWasLost() {
    assertThat(HistoryPage.complete(after(3, 50), seqs(4, 15), 1, 20)).isFalse();
    assertThat(HistoryPage.complete(after(3, 50), List.of(), 1, 20)).isFalse();
  }

  @Test
  void aHoleInTheMiddle() {
    List<RoomEvent> holed = seqs(4, 6);
    holed.addAll(seqs(8, 10));
    assertThat(HistoryPage.complete(after(3, 50), holed, 1, 10)).isFalse();
  }

  @Test
  void theNewestBeforeAPoint() {
    assertThat(HistoryPage.complete(before(11, 5), seqs(6, 10), 1, 20)).isTrue();
    assertThat(HistoryPage.complete(before(Long.MAX_VALUE, 5), seqs(16, 20), 1, 20)).isTrue();
  }

  @Test
  void fewerThanAskedForIsCompleteOnlyFromTheVeryFirst() {
    assertThat(HistoryPage.complete(before(11, 50), seqs(1, 10), 1, 20)).isTrue();
    assertThat(HistoryPage.complete(before(11, 50), seqs(5, 10), 5, 20)).isFalse();
  }

  @Test
  void nothingBeforeTheFirst() {
    assertThat(HistoryPage.complete(before(1, 50), List.of(), Long.MAX_VALUE, 20)).isTrue();
  }

  private static List<Long> numbers(Reply.History h) {
    return h.events().stream().map(RoomEvent::seq).toList();
  }

  @Test
  void whatWaitsToBeWrittenFillsInAfterWhatIsStored() {
    Persist.Stored stored = new Persist.Stored(seqs(1, 6), 1, 6);
    Reply.History h = HistoryPage.assemble(before(Long.MAX_VALUE, 5), stored, seqs(5, 9), 9, 1 << 20);
    assertThat(numbers(h)).containsExactly(5L, 6L, 7L, 8L, 9L);
    assertThat(h.complete()).isTrue();
    assertThat(h.more()).isNull();
  }

  @Test
  void withoutTheStoreOnlyWhatWaitsIsShownAndTheAnswerIsNotWhole() {
    Reply.History h = HistoryPage.assemble(before(Long.MAX_VALUE, 5), null, seqs(8, 9), 9, 1 << 20);
    assertThat(numbers(h)).containsExactly(8L, 9L);
    assertThat(h.complete()).isFalse();
    assertThat(HistoryPage.assemble(before(Long.MAX_VALUE, 5), null, seqs(1, 3), 3, 1 << 20).complete())
      .as("a room whose every event still waits").isTrue();
  }

  @Test
  void anAnswerOverItsSizeKeepsTheNewestAndSaysWhereTheRestBegins() {
    List<RoomEvent> events = seqs(1, 100);
    long each = HistoryPage.bytes(events.get(0));
    Reply.History h = HistoryPage.assemble(before(Long.MAX_VALUE, 100), new Persist.Stored(events, 1, 100), List.of(),
      100, each * 30);
    assertThat(numbers(h)).hasSize(30).startsWith(71L).endsWith(100L);
    assertThat(h.complete()).isTrue();
    assertThat(h.more()).isEqualTo(new Reply.More(-1, 71, 70));
  }

  @Test
  void readingForwardsKeepsTheOldestAndGoesOnAfterTheLast() {
    List<RoomEvent> events = seqs(11, 60);
    long each = HistoryPage.bytes(events.get(0));
    Reply.History h = HistoryPage.assemble(after(10, 50), new Persist.Stored(events, 1, 60), List.of(), 60, each * 20);
    assertThat(numbers(h)).hasSize(20).startsWith(11L).endsWith(30L);
    assertThat(h.more()).isEqualTo(new Reply.More(30, Long.MAX_VALUE, 30));
  }

  @Test
  void oneEventOverTheSizeStillComes() {
    List<RoomEvent> events = seqs(1, 3);
    Reply.History h = HistoryPage.assemble(before(Long.MAX_VALUE, 3), new Persist.Stored(events, 1, 3), List.of(), 3, 1);
    assertThat(numbers(h)).containsExactly(3L);
    assertThat(h.more()).isEqualTo(new Reply.More(-1, 3, 2));
  }
}
