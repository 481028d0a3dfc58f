package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.PrivateMessage;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonCodecTest {

  private final JsonCodec codec = new JsonCodec(new ServerInfo("chatbus 0.1", "node-a", "lobby"));

  private ClientCommand parse(String line) {
    return codec.parse(line, true);
  }

  private static JsonObject json(String line) {
    assertThat(line).endsWith("\n");
    return new JsonObject(line);
  }

  @Test
  void ops() {
    assertThat(parse("{\"op\":\"hello\",\"name\":\"jay\",\"ref\":1}")).isEqualTo(new ClientCommand.Hello("jay", "json", "Chatbus JSON client", 1));
    assertThat(parse("{\"op\":\"join\",\"room\":\"rust\"}")).isEqualTo(new ClientCommand.Join("rust", null, null));
    assertThat(parse("{\"op\":\"leave\",\"room\":\"rust\"}")).isEqualTo(new ClientCommand.Leave("rust", null, null));
    assertThat(parse("{\"op\":\"say\",\"room\":\"r\",\"text\":\"hi\"}")).isEqualTo(new ClientCommand.Say("r", "hi", RoomEvent.Kind.MESSAGE, null));
    assertThat(parse("{\"op\":\"say\",\"room\":\"r\",\"text\":\"waves\",\"action\":true}")).isEqualTo(new ClientCommand.Say("r", "waves", RoomEvent.Kind.ACTION, null));
    assertThat(parse("{\"op\":\"msg\",\"to\":\"bob\",\"text\":\"psst\"}")).isEqualTo(new ClientCommand.Msg("bob", "psst", RoomEvent.Kind.MESSAGE, null));
    assertThat(parse("{\"op\":\"nick\",\"name\":\"kay\"}")).isEqualTo(new ClientCommand.Nick("kay", null));
    assertThat(parse("{\"op\":\"who\",\"room\":\"r\"}")).isEqualTo(new ClientCommand.Who("r", null));
    assertThat(parse("{\"op\":\"rooms\"}")).isEqualTo(new ClientCommand.Rooms(null));
    assertThat(parse("{\"op\":\"ping\",\"ref\":\"p\"}")).isEqualTo(new ClientCommand.Ping("p"));
    assertThat(parse("{\"op\":\"quit\"}")).isEqualTo(new ClientCommand.Quit(null, null));
    assertThat(parse("{\"op\":\"quit\",\"reason\":\"bye\\u0007\"}")).isEqualTo(new ClientCommand.Quit("bye", null));
  }

  @Test
  void unknownFieldsAreIgnored() {
    assertThat(parse("{\"op\":\"ping\",\"extra\":[1,2]}")).isEqualTo(new ClientCommand.Ping(null));
  }

  @Test
  void textIsCleaned() {
    assertThat(parse("{\"op\":\"say\",\"room\":\"r\",\"text\":\"a\\u001bb\"}")).isEqualTo(new ClientCommand.Say("r", "ab", RoomEvent.Kind.MESSAGE, null));
  }

  @Test
  void notAJsonObject() {
    ClientCommand.Invalid expected = new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "each line must be one JSON object", null);
    assertThat(parse("{oops")).isEqualTo(expected);
    assertThat(parse("[1,2]")).isEqualTo(expected);
    assertThat(parse("{} trailing")).isEqualTo(expected);
  }

  @Test
  void missingOrWrongFieldsKeepTheRef() {
    assertThat(parse("{\"ref\":9}")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "missing field: op", 9));
    assertThat(parse("{\"op\":\"say\",\"room\":\"r\",\"ref\":9}")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "missing field: text", 9));
    assertThat(parse("{\"op\":\"say\",\"room\":\"r\",\"text\":\"\\u0007 \"}")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "text is empty", null));
    assertThat(parse("{\"op\":\"say\",\"room\":\"r\",\"text\":\"x\",\"action\":\"yes\"}"))
      .isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "a field has the wrong type", null));
    assertThat(parse("{\"op\":\"fly\",\"ref\":\"f\"}")).isEqualTo(new ClientCommand.Invalid(ErrorCode.BAD_REQUEST, "unknown op: fly", "f"));
  }

  @Test
  void welcomeIsFollowedByTheFirstRoom() {
    String lines = codec.welcome("jay", new Reply.Joined("lobby", 3, null, new Reply.Roster(2, List.of("bob", "jay"), List.of(), List.of(), List.of(), false)), 1);
    String[] split = lines.split("\n");
    assertThat(split).hasSize(2);
    assertThat(new JsonObject(split[0])).isEqualTo(new JsonObject()
      .put("type", "welcome").put("name", "jay").put("node", "node-a").put("server", "chatbus 0.1").put("ref", 1));
    assertThat(new JsonObject(split[1])).isEqualTo(new JsonObject()
      .put("type", "joined").put("room", "lobby").put("seq", 3).put("count", 2).put("members", List.of("bob", "jay"))
      .put("operators", List.of()).put("voiced", List.of()));
  }

  @Test
  void roomEvents() {
    assertThat(json(codec.roomEvent(new RoomEvent(RoomEvent.Kind.MESSAGE, "r", 5, "42", 1000, 7, "bob", "hi", 1))))
      .isEqualTo(new JsonObject().put("type", "message").put("room", "r").put("from", "bob").put("text", "hi")
        .put("id", "42").put("seq", 5).put("epoch", 1).put("ts", 1000));
    assertThat(json(codec.roomEvent(new RoomEvent(RoomEvent.Kind.ACTION, "r", 5, "42", 1000, 7, "bob", "waves", 1))).getBoolean("action")).isTrue();
    assertThat(json(codec.roomEvent(new RoomEvent(RoomEvent.Kind.JOIN, "r", 6, "43", 1000, 7, "bob", null, 1))))
      .isEqualTo(new JsonObject().put("type", "join").put("room", "r").put("name", "bob").put("id", "43").put("seq", 6).put("epoch", 1).put("ts", 1000));
    assertThat(json(codec.roomEvent(new RoomEvent(RoomEvent.Kind.LEAVE, "r", 7, "44", 1000, 7, "bob", "quit", 1))).getString("reason")).isEqualTo("quit");
    assertThat(json(codec.roomEvent(new RoomEvent(RoomEvent.Kind.LEAVE, "r", 7, "44", 1000, 7, "bob", null, 1))).containsKey("reason")).isFalse();
    JsonObject rename = json(codec.roomEvent(new RoomEvent(RoomEvent.Kind.RENAME, "r", 8, "45", 1000, 7, "bob", "rob", 1)));
    assertThat(rename.getString("from")).isEqualTo("bob");
    assertThat(rename.getString("to")).isEqualTo("rob");
  }

  @Test
  void answers() {
    assertThat(json(codec.accepted(new Reply.Accepted("42", 5, 1000), "r")))
      .isEqualTo(new JsonObject().put("type", "ack").put("id", "42").put("seq", 5).put("ts", 1000).put("ref", "r"));
    assertThat(json(codec.accepted(new Reply.Accepted("42", 0, 1000), null)).containsKey("seq")).isFalse();
    assertThat(json(codec.error(ErrorCode.NAME_TAKEN, "taken", 3)))
      .isEqualTo(new JsonObject().put("type", "error").put("code", "name_taken").put("message", "taken").put("ref", 3));
    assertThat(json(codec.goodbye(Goodbye.IDLE_TIMEOUT)))
      .isEqualTo(new JsonObject().put("type", "bye").put("reason", "idle_timeout").put("message", "idle timeout, bye"));
    assertThat(json(codec.dropped(12))).isEqualTo(new JsonObject().put("type", "dropped").put("count", 12));
    assertThat(json(codec.privateMessage(new PrivateMessage(1, "al", 2, "bob", "json@n", "psst", RoomEvent.Kind.MESSAGE, "9", 5))))
      .isEqualTo(new JsonObject().put("type", "private").put("from", "bob").put("text", "psst").put("id", "9").put("ts", 5));
    assertThat(json(codec.pong(new JsonObject().put("k", 1))).getJsonObject("ref")).isEqualTo(new JsonObject().put("k", 1));
  }
}
