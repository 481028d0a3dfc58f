package dev.chatbus.app;

import dev.chatbus.account.Grant;
import dev.chatbus.account.Tokens;
import dev.chatbus.config.ChatbusConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code chatbus token}: the token it prints is one the node takes, with the rights asked for. */
class TokenCommandTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-chatbus-test";

  private static ChatbusConfig config(JsonObject tokens) {
    return ChatbusConfig.parse(new JsonObject().put("tokens", tokens).put("persistence", new JsonObject().put("store", "none")));
  }

  @Test
  void printsATokenTheNodeTakesWithTheRightsAskedFor() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = TokenCommand.run(new String[]{"weather", "--read", "lobby,#Rust", "--post", "rust", "--tell", "--ttl", "2h"},
      config(new JsonObject().put("secret", SECRET)), new PrintStream(out, true, StandardCharsets.UTF_8),
      new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(status).isZero();
    Vertx vertx = Vertx.vertx();
    try {
      long before = System.currentTimeMillis();
      Grant grant = Tokens.create(vertx, SECRET).verify(out.toString(StandardCharsets.UTF_8).strip()).await(10, TimeUnit.SECONDS);
      assertThat(grant.subject()).isEqualTo("weather");
      assertThat(grant.read()).isEqualTo(Set.of("lobby", "rust"));
      assertThat(grant.post()).isEqualTo(Set.of("rust"));
      assertThat(grant.tell()).isTrue();
      assertThat(grant.expiresAt() - before).isBetween(7_100_000L, 7_300_000L);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void saysWhatIsMissing() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(TokenCommand.run(new String[]{"weather"}, config(new JsonObject()), out, errors)).isEqualTo(1);
    assertThat(TokenCommand.run(new String[]{"--post", "rust"}, config(new JsonObject().put("secret", SECRET)), out, errors))
      .isEqualTo(2);
    assertThat(TokenCommand.run(new String[]{"bot", "--ttl", "soon"}, config(new JsonObject().put("secret", SECRET)), out, errors))
      .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("tokens.secret is not set")
      .contains("whose token is it? give a NAME").contains("--ttl: expected a duration such as 12h or 30d")
      .contains(TokenCommand.USAGE);
  }
}
