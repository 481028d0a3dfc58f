package dev.chatbus.edge;

import dev.chatbus.support.IrcClient;
import dev.chatbus.support.TestClient;
import dev.chatbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may enter a room, as its operators say: bans, invitations, keys and limits, over real sockets. */
@ExtendWith(VertxExtension.class)
class RoomRulesTest {

  @Test
  void aBannedNameCannotEnterUntilTheBanIsLifted(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#rust");
      alice.send("MODE #rust +b BOB");
      alice.expect(":alice!~alice@test MODE #rust +b bob!*@*");
      bob.send("JOIN #rust");
      bob.expect(":irc.test 474 bob #rust :Cannot join channel (+b)");
      alice.send("MODE #rust +b *!text@*");
      alice.expect(":alice!~alice@test MODE #rust +b *!text@*");
      tom.send("/join rust");
      tom.expect("! you are banned from #rust");
      alice.send("MODE #rust b");
      assertThat(alice.readLine()).matches(":irc\\.test 367 alice #rust bob!\\*@\\* alice \\d+");
      assertThat(alice.readLine()).matches(":irc\\.test 367 alice #rust \\*!text@\\* alice \\d+");
      alice.expect(":irc.test 368 alice #rust :End of channel ban list");
      alice.send("MODE #rust +b " + "x".repeat(101));
      assertThat(alice.readLine()).startsWith(":irc.test 696 alice #rust b " + "x".repeat(101) + " :a ban names someone");
      alice.send("MODE #rust -b bob");
      alice.expect(":alice!~alice@test MODE #rust -b bob!*@*");
      bob.send("JOIN #rust");
      bob.expect(":bob!~bob@test JOIN #rust");
    }
  }

  @Test
  void anInviteOnlyRoomLetsInThoseInvited(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#club");
      alice.send("MODE #club +i");
      alice.expect(":alice!~alice@test MODE #club +i");
      tom.send("/join club");
      tom.expect("! #club is for those invited only");
      bob.send("INVITE tom #club");
      bob.expect(":irc.test 442 bob #club :You're not on that channel");
      alice.send("INVITE tom #club");
      alice.expect(":irc.test 341 alice tom #club");
      tom.expect("* alice invites you into #club (/join club)");
      tom.send("/join club");
      tom.expect("* you are now in #club with 1 other.");
      alice.expect(":tom!text@test JOIN #club");
      tom.send("/invite bob");
      tom.expect("! only the operators of #club invite people in");
      alice.send("INVITE tom #club");
      alice.expect(":irc.test 443 alice tom #club :is already on channel");
      alice.send("INVITE nobody #club");
      alice.expect(":irc.test 401 alice nobody :No such nick/channel");
      alice.send("INVITE bob #club");
      alice.readUntil(l -> l.equals(":irc.test 341 alice bob #club"));
      bob.expect(":alice!~alice@test INVITE bob #club");
      bob.send("JOIN #club");
      bob.expect(":bob!~bob@test JOIN #club");
    }
  }

  @Test
  void aKeyAndALimitKeepPeopleOut(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      alice.join("#vault");
      alice.send("MODE #vault +k :two words");
      alice.expect(":irc.test 696 alice #vault k * :a key is 1 to 32 characters without spaces, commas or colons");
      alice.send("MODE #vault +l none");
      alice.expect(":irc.test 696 alice #vault l none :a limit is a number above 0");
      alice.send("MODE #vault +kl s3cret 2");
      alice.expect(":alice!~alice@test MODE #vault +k s3cret");
      alice.expect(":alice!~alice@test MODE #vault +l 2");
      bob.send("JOIN #vault");
      bob.expect(":irc.test 475 bob #vault :Cannot join channel (+k)");
      bob.send("MODE #vault");
      bob.expect(":irc.test 324 bob #vault +klnt * 2");
      bob.readLine();
      alice.send("MODE #vault");
      alice.expect(":irc.test 324 alice #vault +klnt s3cret 2");
      alice.readLine();
      bob.send("JOIN #vault s3cret");
      bob.expect(":bob!~bob@test JOIN #vault");
      jay.send(new JsonObject().put("op", "join").put("room", "vault").put("key", "s3cret").put("ref", 1));
      assertThat(jay.readJson("error").getString("code")).isEqualTo("room_full");
      alice.send("MODE #vault -l");
      alice.readUntil(l -> l.equals(":alice!~alice@test MODE #vault -l"));
      alice.send("MODE #vault -k s3cret");
      alice.expect(":alice!~alice@test MODE #vault -k *");
      alice.send("MODE #vault +k s3cret");
      alice.expect(":alice!~alice@test MODE #vault +k s3cret");
      jay.send(new JsonObject().put("op", "join").put("room", "vault").put("key", "wrong").put("ref", 2));
      assertThat(jay.readJson("error").getString("code")).isEqualTo("bad_key");
    }
  }

  @Test
  void aClosedRoomKeepsItsHistoryToItsMembers(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient jay = TestClient.json(node.port(), "jay")) {
      alice.join("#secret");
      alice.send("PRIVMSG #secret :between us");
      jay.send(new JsonObject().put("op", "history").put("room", "secret").put("ref", 1));
      assertThat(jay.readJson("history").getJsonArray("messages")).isNotEmpty();
      alice.send("MODE #secret +i");
      alice.expect(":alice!~alice@test MODE #secret +i");
      jay.send(new JsonObject().put("op", "history").put("room", "secret").put("ref", 2));
      JsonObject refused = jay.readJson("error");
      assertThat(refused.getString("code")).isEqualTo("not_in_room");
      assertThat(refused.getString("message")).isEqualTo("#secret keeps its history to its members");
    }
  }

  @Test
  void aModeratedRoomHearsOnlyItsOperatorsAndVoicedMembers(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#quiet");
      bob.join("#quiet");
      tom.send("/join quiet");
      tom.expect("* you are now in #quiet with 2 others.");
      alice.readUntil(l -> l.equals(":tom!text@test JOIN #quiet"));
      alice.send("MODE #quiet +m");
      alice.expect(":alice!~alice@test MODE #quiet +m");
      bob.send("PRIVMSG #quiet :hello?");
      bob.readUntil(l -> l.equals(":irc.test 404 bob #quiet :Cannot send to channel (+m)"));
      tom.readUntil(l -> l.equals("* alice let only operators and voiced members speak in #quiet"));
      tom.send("shh");
      tom.expect("! #quiet is moderated: only its operators and voiced members speak");
      alice.send("MODE #quiet +v bob");
      alice.expect(":alice!~alice@test MODE #quiet +v bob");
      bob.send("PRIVMSG #quiet :thanks");
      alice.expect(":bob!~bob@test PRIVMSG #quiet :thanks");
      alice.send("NAMES #quiet");
      alice.expect(":irc.test 353 alice = #quiet :@alice +bob tom");
      tom.send("/who");
      tom.readUntil(l -> l.equals("* 3 in #quiet: @alice, +bob, tom"));
      alice.send("WHO #quiet");
      alice.readUntil(l -> l.equals(":irc.test 366 alice #quiet :End of /NAMES list"));
      alice.expect(":irc.test 352 alice #quiet ~alice test irc.test alice H@ :0 alice the tester");
      alice.expect(":irc.test 352 alice #quiet ~bob test irc.test bob H+ :0 bob the tester");
    }
  }

  @Test
  void aRoomWithoutNoExternalHearsThoseOutsideIt(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob")) {
      alice.join("#open");
      bob.send("PRIVMSG #open :from outside");
      bob.expect(":irc.test 404 bob #open :Cannot send to channel");
      alice.send("MODE #open -n");
      alice.expect(":alice!~alice@test MODE #open -n");
      alice.send("MODE #open");
      assertThat(alice.readLine()).isEqualTo(":irc.test 324 alice #open +t");
      bob.send("PRIVMSG #open :from outside");
      alice.readUntil(l -> l.equals(":bob!~bob@test PRIVMSG #open :from outside"));
      // A ban keeps its mask's messages out too, from outside or in.
      alice.send("MODE #open +b bob");
      alice.expect(":alice!~alice@test MODE #open +b bob!*@*");
      bob.send("PRIVMSG #open :banned now");
      bob.expect(":irc.test 404 bob #open :Cannot send to channel (+b)");
      bob.send("PRIVMSG #nowhere :anyone?");
      bob.expect(":irc.test 404 bob #nowhere :Cannot send to channel");
    }
  }

  @Test
  void aSecretRoomShowsNoOneToThoseOutsideIt(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         IrcClient bob = IrcClient.registered(node.ircPort(), "bob");
         TestClient json = TestClient.json(node.port(), "jay")) {
      alice.join("#hidden");
      json.send(new JsonObject().put("op", "mode").put("room", "hidden").put("mode", "+s"));
      assertThat(json.readJson("error").getString("code")).isEqualTo("not_in_room");
      alice.send("MODE #hidden +s");
      alice.expect(":alice!~alice@test MODE #hidden +s");
      alice.send("NAMES #hidden");
      alice.expect(":irc.test 353 alice @ #hidden :@alice");
      bob.send("NAMES #hidden");
      bob.expect(":irc.test 366 bob #hidden :End of /NAMES list");
      bob.send("WHO #hidden");
      bob.expect(":irc.test 315 bob #hidden :End of WHO list");
      bob.send("WHOIS alice");
      bob.expect(":irc.test 311 bob alice ~alice test * :alice the tester");
      bob.expect(":irc.test 312 bob alice irc.test :Chatbus node test");
      bob.expect(":irc.test 318 bob alice :End of /WHOIS list");
      bob.send("TOPIC #hidden");
      bob.expect(":irc.test 442 bob #hidden :You're not on that channel");
      bob.send("JOIN #hidden");
      bob.readUntil(l -> l.equals(":irc.test 353 bob @ #hidden :@alice bob"));
      bob.expect(":irc.test 366 bob #hidden :End of /NAMES list");
      bob.send("MODE #hidden -s");
      bob.expect(":irc.test 482 bob #hidden :You're not channel operator");
      alice.send("TOPIC #hidden :for us only");
      alice.join("#open");
      alice.send("TOPIC #open :for all");
      alice.readUntil(l -> l.equals(":alice!~alice@test TOPIC #open :for all"));
      json.send(new JsonObject().put("op", "rooms"));
      assertThat(json.readJson("rooms").getJsonArray("rooms").encode())
        .isEqualTo("[{\"name\":\"lobby\",\"members\":1},{\"name\":\"open\",\"members\":1,\"topic\":\"for all\"}]");
      bob.send("LIST");
      bob.readUntil(l -> l.equals(":irc.test 321 bob Channel :Users  Name"));
      bob.expect(":irc.test 322 bob #hidden 2 :for us only");
      bob.expect(":irc.test 322 bob #lobby 1 :");
      bob.expect(":irc.test 322 bob #open 1 :for all");
      bob.expect(":irc.test 323 bob :End of /LIST");
    }
  }

  @Test
  void theFlagsOneModeLineChangesAreAnnouncedInOneLine(Vertx vertx) {
    TestNode node = TestNode.start(vertx);
    try (IrcClient alice = IrcClient.registered(node.ircPort(), "alice");
         TestClient tom = TestClient.text(node.port(), "tom")) {
      alice.join("#flags");
      tom.send("/join flags");
      tom.expect("* you are now in #flags with 1 other.");
      alice.readUntil(l -> l.equals(":tom!text@test JOIN #flags"));
      alice.send("MODE #flags +ims");
      alice.expect(":alice!~alice@test MODE #flags +ims");
      tom.expect("* alice closed #flags to all but those invited; let only operators and voiced members speak in #flags;"
        + " made #flags secret: unlisted to those outside it");
      alice.send("MODE #flags");
      assertThat(alice.readLine()).isEqualTo(":irc.test 324 alice #flags +imnst");
      assertThat(alice.readLine()).startsWith(":irc.test 329 alice #flags ");
      alice.send("MODE #flags -imnst");
      alice.expect(":alice!~alice@test MODE #flags -imnst");
      alice.send("MODE #flags");
      assertThat(alice.readLine()).isEqualTo(":irc.test 324 alice #flags +");
      tom.readUntil(l -> l.startsWith("* alice opened #flags to everyone;"));
      tom.send("/mode +t");
      tom.expect("! you are not an operator of #flags");
    }
  }
}
