package dev.chatbus.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Ban masks: their whole form, and what they match. */
class MasksTest {

  @Test
  void aMaskIsMadeWhole() {
    assertThat(Masks.normalize("Bob")).isEqualTo("bob!*@*");
    assertThat(Masks.normalize("*@Node-B")).isEqualTo("*!*@node-b");
    assertThat(Masks.normalize("bob!~b")).isEqualTo("bob!~b@*");
    assertThat(Masks.normalize("b?b!*@*")).isEqualTo("b?b!*@*");
  }

  @Test
  void wildcardsMatchRunsAndSingleCharacters() {
    assertThat(Masks.matches("bob!*@*", "bob!~bob@node-a")).isTrue();
    assertThat(Masks.matches("bob!*@*", "bobby!~bob@node-a")).isFalse();
    assertThat(Masks.matches("b?b!*@*", "bab!text@n")).isTrue();
    assertThat(Masks.matches("*!text@*", "tom!text@node-a")).isTrue();
    assertThat(Masks.matches("*!text@*", "tom!json@node-a")).isFalse();
    assertThat(Masks.matches("*a*b*", "xxaxxbxx")).isTrue();
    assertThat(Masks.matches("*a*b", "xxaxxbxxc")).isFalse();
    assertThat(Masks.matches("*", "")).isTrue();
  }
}
