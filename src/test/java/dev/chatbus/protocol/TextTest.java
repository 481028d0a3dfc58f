package dev.chatbus.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextTest {

  @Test
  void cleanTextIsReturnedAsIs() {
    String s = "plain text, ünïcødé and a\ttab";
    assertThat(Text.clean(s)).isSameAs(s);
  }

  @Test
  void dropsC0ControlsButKeepsTab() {
    assertThat(Text.clean("a\u0000b\u0007c\u001b[31md\te\r")).isEqualTo("abc[31md\te");
  }

  @Test
  void dropsDeleteAndC1Controls() {
    assertThat(Text.clean("x\u007fy\u0085z\u009b")).isEqualTo("xyz");
  }

  @Test
  void keepsReplacementCharactersAndEmoji() {
    assertThat(Text.clean("\uFFFD🌍")).isEqualTo("\uFFFD🌍");
  }

  @Test
  void dropsBidiOverridesEmbeddingsAndIsolates() {
    assertThat(Text.clean("file\u202Etxt.exe")).isEqualTo("filetxt.exe");
    assertThat(Text.clean("\u202Aa\u202Bb\u202Cc\u202Dd\u2066e\u2067f\u2068g\u2069")).isEqualTo("abcdefg");
  }

  @Test
  void keepsJoinersThatEmojiNeed() {
    String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
    assertThat(Text.clean(family)).isSameAs(family);
  }
}
