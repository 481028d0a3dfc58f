package dev.chatbus.room;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdsTest {

  private static final long NOW = 1_800_000_000_000L;

  @Test
  void increaseWithinOneMillisecond() {
    MessageIds ids = new MessageIds(5);
    long previous = -1;
    for (int i = 0; i < 100; i++) {
      long id = Long.parseLong(ids.next(NOW));
      assertThat(id).isGreaterThan(previous);
      previous = id;
    }
  }

  @Test
  void moreThan4096InOneMillisecondBorrowTheNext() {
    MessageIds ids = new MessageIds(5);
    Set<String> seen = new HashSet<>();
    long previous = -1;
    for (int i = 0; i < 10_000; i++) {
      String id = ids.next(NOW);
      assertThat(seen.add(id)).isTrue();
      assertThat(Long.parseLong(id)).isGreaterThan(previous);
      previous = Long.parseLong(id);
    }
  }

  @Test
  void aClockGoingBackwardsDoesNotRepeatIds() {
    MessageIds ids = new MessageIds(5);
    long before = Long.parseLong(ids.next(NOW));
    long after = Long.parseLong(ids.next(NOW - 60_000));
    assertThat(after).isGreaterThan(before);
  }

  @Test
  void carryTheTimeAndTheNode() {
    long id = Long.parseLong(new MessageIds(0x3ff).next(NOW));
    assertThat((id >>> 22) + MessageIds.EPOCH).isEqualTo(NOW);
    assertThat((id >>> 12) & 0x3ff).isEqualTo(0x3ff);
  }
}
