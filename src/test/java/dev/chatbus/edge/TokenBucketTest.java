package dev.chatbus.edge;

import dev.chatbus.config.ChatbusConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

  private static final long MS = 1_000_000L;
  private final TokenBucket bucket = new TokenBucket(new ChatbusConfig.Rate(20, 40, Duration.ofSeconds(3)), 0);

  @Test
  void aFullBurstPassesThenLinesAreDropped() {
    for (int i = 0; i < 40; i++) {
      assertThat(bucket.tryTake(0)).isTrue();
    }
    assertThat(bucket.tryTake(0)).isFalse();
    assertThat(bucket.startedEpisode()).isTrue();
    assertThat(bucket.tryTake(0)).isFalse();
    assertThat(bucket.startedEpisode()).isFalse();
  }

  @Test
  void refillsAtTheRate() {
    for (int i = 0; i < 40; i++) {
      bucket.tryTake(0);
    }
    assertThat(bucket.tryTake(49 * MS)).isFalse();
    assertThat(bucket.tryTake(50 * MS)).isTrue();
    assertThat(bucket.tryTake(50 * MS)).isFalse();
  }

  @Test
  void neverHoldsMoreThanTheBurst() {
    long later = 3_600_000 * MS;
    for (int i = 0; i < 40; i++) {
      assertThat(bucket.tryTake(later)).isTrue();
    }
    assertThat(bucket.tryTake(later)).isFalse();
  }

  @Test
  void aSustainedFloodStaysOverTheLimitThoughSomeLinesGetThrough() {
    long t = 0;
    for (int i = 0; i < 40; i++) {
      bucket.tryTake(t);
    }
    bucket.tryTake(t);
    long start = t;
    // A line every millisecond for four seconds: one in fifty passes, the rest are dropped.
    for (t = MS; t <= 4000 * MS; t += MS) {
      if (!bucket.tryTake(t)) {
        assertThat(bucket.overFor(t)).isEqualTo(t - start);
      }
    }
  }

  @Test
  void aSecondWithoutDropsEndsTheEpisode() {
    for (int i = 0; i < 40; i++) {
      bucket.tryTake(0);
    }
    bucket.tryTake(0);
    assertThat(bucket.startedEpisode()).isTrue();
    assertThat(bucket.tryTake(100 * MS)).isTrue();
    // Emptied again, but more than a second after the last drop: the drop that ends this loop starts a new episode.
    int passed = 0;
    while (bucket.tryTake(1200 * MS)) {
      passed++;
    }
    assertThat(passed).isEqualTo(23);
    assertThat(bucket.startedEpisode()).isTrue();
    assertThat(bucket.overFor(1200 * MS)).isZero();
  }
}
