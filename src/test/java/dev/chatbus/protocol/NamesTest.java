package dev.chatbus.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {

  @Test
  void acceptsLettersDigitsAndTheIrcSpecials() {
    assertThat(Names.nameProblem("alice")).isNull();
    assertThat(Names.nameProblem("a")).isNull();
    assertThat(Names.nameProblem("Bob_2")).isNull();
    assertThat(Names.nameProblem("[x]\\^{y}|_-z")).isNull();
    assertThat(Names.nameProblem("x".repeat(32))).isNull();
  }

  @Test
  void rejectsEmpty() {
    assertThat(Names.nameProblem("")).isEqualTo("a name needs at least one character");
    assertThat(Names.nameProblem(null)).isEqualTo("a name needs at least one character");
  }

  @Test
  void rejectsTooLong() {
    assertThat(Names.nameProblem("x".repeat(33))).isEqualTo("a name has at most 32 characters");
  }

  @Test
  void rejectsALeadingDigitOrDash() {
    assertThat(Names.nameProblem("1abc")).isEqualTo("a name cannot start with a digit or '-'");
    assertThat(Names.nameProblem("-abc")).isEqualTo("a name cannot start with a digit or '-'");
  }

  @Test
  void rejectsSpacesPunctuationAndNonAscii() {
    String rule = "a name may only hold letters, digits and _-[]\\^{}|";
    assertThat(Names.nameProblem("a b")).isEqualTo(rule);
    assertThat(Names.nameProblem("a.b")).isEqualTo(rule);
    assertThat(Names.nameProblem("a:b")).isEqualTo(rule);
    assertThat(Names.nameProblem("josé")).isEqualTo(rule);
    assertThat(Names.nameProblem("a\u0000")).isEqualTo(rule);
  }

  @Test
  void nameKeysIgnoreCase() {
    assertThat(Names.nameKey("Alice")).isEqualTo(Names.nameKey("aLICE"));
    assertThat(Names.nameKey("[X]")).isEqualTo("[x]");
  }

  @Test
  void roomsDropTheHashAndCase() {
    assertThat(Names.room("#Rust")).isEqualTo("rust");
    assertThat(Names.room("rust")).isEqualTo("rust");
    assertThat(Names.room("café-☕")).isEqualTo("café-☕");
  }

  @Test
  void roomLengthCountsBytesAsIrcsChannelLenDoesWithTheHash() {
    assertThat(Names.room("x".repeat(63))).isEqualTo("x".repeat(63));
    assertThat(Names.room("#" + "x".repeat(63))).isEqualTo("x".repeat(63));
    assertThat(Names.roomProblem("x".repeat(64)))
      .isEqualTo("a room name has at most 63 bytes in UTF-8 (as many letters of the English alphabet)");
    assertThat(Names.room("é".repeat(31) + "x")).isNotNull();
    assertThat(Names.room("é".repeat(32))).isNull();
    assertThat(Names.room("🌍".repeat(15))).isNotNull();
    assertThat(Names.room("🌍".repeat(16))).isNull();
  }

  @Test
  void roomsFoldAsciiCaseOnlyAsCasemappingAsciiSays() {
    assertThat(Names.room("#RUST-Lang")).isEqualTo("rust-lang");
    assertThat(Names.room("#Été")).isEqualTo("Été");
    assertThat(Names.room("#Été")).isNotEqualTo(Names.room("#été"));
    assertThat(Names.nameKey("Alice[]")).isEqualTo("alice[]");
  }

  @Test
  void roomsRejectInvisibleFormattingCharacters() {
    assertThat(Names.roomProblem("ops\u202Etxt")).isEqualTo("a room name cannot hold invisible formatting characters such as U+202E");
    assertThat(Names.roomProblem("ops\u200B")).isEqualTo("a room name cannot hold invisible formatting characters such as U+200B");
    assertThat(Names.room("\uFEFFops")).isNull();
    assertThat(Names.room("ops\u2066")).isNull();
    assertThat(Names.roomProblem("ops\uD800")).isEqualTo("a room name cannot hold half of a surrogate pair (U+D800)");
    for (String blank : new String[]{"\u3164", "\u115F", "\uFFA0", "\u2800", "\u034F", "\uFE0F", "\uDB40\uDC41"}) {
      assertThat(Names.room("ops" + blank)).as("U+%04X", blank.codePointAt(0)).isNull();
    }
  }

  @Test
  void roomsThatLookTheSameAreTheSame() {
    // e with a combining acute accent is é.
    assertThat(Names.room("cafe\u0301")).isEqualTo("café");
    assertThat(Names.room("#Cafe\u0301")).isEqualTo(Names.room("café"));
  }

  @Test
  void roomsRejectEmptySpacesCommasAndControls() {
    String rule = "a room name cannot hold spaces, commas or control characters";
    assertThat(Names.roomProblem("")).isEqualTo("a room name needs at least one character");
    assertThat(Names.roomProblem("#")).isEqualTo("a room name needs at least one character");
    assertThat(Names.roomProblem("a b")).isEqualTo(rule);
    assertThat(Names.roomProblem("a,b")).isEqualTo(rule);
    assertThat(Names.roomProblem("a\tb")).isEqualTo(rule);
    assertThat(Names.roomProblem("a\u0007")).isEqualTo(rule);
    assertThat(Names.roomProblem("a\u00a0b")).isEqualTo(rule);
    assertThat(Names.room("a b")).isNull();
  }
}
