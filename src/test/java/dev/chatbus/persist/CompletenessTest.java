package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.bus.RoomEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a history answer says it is complete. */
class CompletenessTest {

  private static List<RoomEvent> seqs(long from, long to) {
    List<RoomEvent> events = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      events.add(new RoomEvent(RoomEvent.Kind.MESSAGE, "r", s, Long.toString(s), s, 0, "a", "t", 1));
    }
    return events;
  }

  private static Persist.Query after(long afterSeq, int limit, long lastSeq) {
    return new Persist.Query("r", limit, afterSeq, Long.MAX_VALUE, false, lastSeq);
  }

  private static Persist.Query before(long beforeSeq, int limit, long lastSeq) {
    return new Persist.Query("r", limit, -1, beforeSeq, false, lastSeq);
  }

  @Test
  void afterEverythingThereIsNothingMissing() {
    assertThat(PersistenceVerticle.complete(after(10, 5, 10), List.of(), 1)).isTrue();
  }

  @Test
  void aFullPageFromTheRightPlace() {
    assertThat(PersistenceVerticle.complete(after(3, 5, 20), seqs(4, 8), 1)).isTrue();
  }

  @Test
  void aShortPageThatReachesTheLatest() {
    assertThat(PersistenceVerticle.complete(after(3, 50, 8), seqs(4, 8), 1)).isTrue();
  }

  @Test
  void theStartWasPruned() {
    assertThat(PersistenceVerticle.complete(after(3, 50, 20), seqs(10, 20), 10)).isFalse();
  }

  @Test
  void theEndWasLost() {
    assertThat(PersistenceVerticle.complete(after(3, 50, 20), seqs(4, 15), 1)).isFalse();
    assertThat(PersistenceVerticle.complete(after(3, 50, 20), List.of(), 1)).isFalse();
  }

  @Test
  void aHoleInTheMiddle() {
    List<RoomEvent> holed = seqs(4, 6);
    holed.addAll(seqs(8, 10));
    assertThat(PersistenceVerticle.complete(after(3, 50, 10), holed, 1)).isFalse();
  }

  @Test
  void theNewestBeforeAPoint() {
    assertThat(PersistenceVerticle.complete(before(11, 5, 20), seqs(6, 10), 1)).isTrue();
    assertThat(PersistenceVerticle.complete(before(Long.MAX_VALUE, 5, 20), seqs(16, 20), 1)).isTrue();
  }

  @Test
  void fewerThanAskedForIsCompleteOnlyFromTheVeryFirst() {
    assertThat(PersistenceVerticle.complete(before(11, 50, 20), seqs(1, 10), 1)).isTrue();
    assertThat(PersistenceVerticle.complete(before(11, 50, 20), seqs(5, 10), 5)).isFalse();
  }

  @Test
  void nothingBeforeTheFirst() {
    assertThat(PersistenceVerticle.complete(before(1, 50, 20), List.of(), Long.MAX_VALUE)).isTrue();
  }
}
