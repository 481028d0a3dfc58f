package dev.chatbus.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatbusConfigTest {

  private static ChatbusConfig parse(String json) {
    return ChatbusConfig.parse(new JsonObject(json));
  }

  private static void rejected(String json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void defaults() {
    ChatbusConfig c = parse("{}");
    assertThat(c.nodeName()).isEmpty();
    assertThat(c.tcp()).isEqualTo(new ChatbusConfig.Tcp("0.0.0.0", 7000, 7443, Runtime.getRuntime().availableProcessors(), 0));
    assertThat(c.rooms()).isEqualTo(new ChatbusConfig.Rooms("lobby", 100, 1000, Duration.ofMinutes(1), 30, false));
    ChatbusConfig.Limits l = c.limits();
    assertThat(l.maxLineBytes()).isEqualTo(4096);
    assertThat(l.loginTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(l.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(l.rate()).isEqualTo(new ChatbusConfig.Rate(20, 40, Duration.ofSeconds(3)));
    assertThat(l.slowConsumer()).isEqualTo(new ChatbusConfig.SlowConsumer(256 << 10, 1 << 20, Duration.ofSeconds(10)));
    assertThat(l.maxConnections()).isEqualTo(100_000);
    assertThat(l.maxConnectionsPerIp()).isEqualTo(64);
    assertThat(l.loopbackExempt()).isTrue();
    assertThat(l.perIpExempt()).isEmpty();
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.history()).isEqualTo(new ChatbusConfig.History(20, 1000, 128 << 10, Duration.ofSeconds(2)));
    assertThat(c.persistence()).isEqualTo(new ChatbusConfig.Persistence(ChatbusConfig.Store.EMBEDDED, "data/chatbus",
      "jdbc:postgresql://127.0.0.1:5432/chatbus", "chatbus", "", 4, Duration.ofSeconds(2), 500, Duration.ofMillis(5),
      100_000, Duration.ofMillis(100), Duration.ofSeconds(5),
      new ChatbusConfig.Retention(100_000, Duration.ofDays(30), Duration.ofMinutes(1)), 2, 1000));
  }

  @Test
  void clusterSettings() {
    ChatbusConfig.Tls noTls = new ChatbusConfig.Tls("", "", "", ChatbusConfig.Tls.ClientAuth.NONE, Duration.ofSeconds(10));
    assertThat(parse("{}").cluster()).isEqualTo(new ChatbusConfig.Cluster(false, "chatbus", java.util.List.of("127.0.0.1"),
      "", 5701, Duration.ofSeconds(2), 0, noTls));
    ChatbusConfig.Cluster c = parse("{\"cluster\":{\"enabled\":true,\"name\":\"prod\",\"members\":[\"10.0.0.5\",\"10.0.0.6:5702\"],"
      + "\"interface\":\"10.0.0.*\",\"port\":5801,\"discoverEvery\":\"500ms\",\"expectedSize\":3},"
      + "\"persistence\":{\"store\":\"postgresql\"}}").cluster();
    assertThat(c).isEqualTo(new ChatbusConfig.Cluster(true, "prod", java.util.List.of("10.0.0.5", "10.0.0.6:5702"), "10.0.0.*",
      5801, Duration.ofMillis(500), 3, noTls));
    assertThat(c.quorum()).isEqualTo(2);
    assertThat(parse("{\"cluster\":{\"expectedSize\":4}}").cluster().quorum()).as("half is no majority").isEqualTo(3);
    assertThat(parse("{\"cluster\":{\"tls\":{\"cert\":\"n.pem\",\"key\":\"k.pem\",\"ca\":\"ca.pem\"}}}").cluster().tls())
      .isEqualTo(new ChatbusConfig.Tls("n.pem", "k.pem", "ca.pem", ChatbusConfig.Tls.ClientAuth.REQUIRE, Duration.ofSeconds(10)));
    rejected("{\"cluster\":{\"tls\":{\"cert\":\"n.pem\",\"key\":\"k.pem\"}}}",
      "cluster.tls: cert, key and ca go together (the node's certificate, its key, and the cluster's authority), got no ca");
    assertThat(ChatbusConfig.parse(new JsonObject(), new JsonObject().put("CHATBUS_CLUSTER_MEMBERS", "a,b")
      .put("chatbus.cluster.enabled", "true").put("CHATBUS_PERSISTENCE_STORE", "none")).cluster().members())
      .containsExactly("a", "b");
  }

  @Test
  void aClusterSharesItsHistory() {
    rejected("{\"cluster\":{\"enabled\":true}}", "persistence.store: the nodes of a cluster share one history, so a "
      + "cluster needs postgresql (or none), got embedded");
    rejected("{\"cluster\":{\"members\":[]}}", "cluster.members: list at least one address to look for other nodes at");
  }

  @Test
  void persistenceSettings() {
    ChatbusConfig.Persistence p = parse("{\"persistence\":{\"store\":\"postgresql\",\"postgresql\":{\"url\":"
      + "\"jdbc:postgresql://db:5432/chat\",\"user\":\"u\",\"password\":\"p\",\"poolSize\":8},"
      + "\"batch\":{\"maxEvents\":1,\"maxDelay\":0},\"retention\":{\"maxEventsPerRoom\":0,\"maxAge\":0}}}").persistence();
    assertThat(p.store()).isEqualTo(ChatbusConfig.Store.POSTGRESQL);
    assertThat(p.url()).isEqualTo("jdbc:postgresql://db:5432/chat");
    assertThat(p.poolSize()).isEqualTo(8);
    assertThat(p.batchMaxEvents()).isEqualTo(1);
    assertThat(p.batchMaxDelay()).isZero();
    assertThat(p.retention().maxEventsPerRoom()).isZero();
    assertThat(p.retention().maxAge()).isZero();
    assertThat(parse("{\"persistence\":{\"store\":\"none\"}}").persistence().store()).isEqualTo(ChatbusConfig.Store.NONE);
  }

  @Test
  void theShippedFileHoldsTheDefaults() throws Exception {
    JsonObject file = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/config.json")));
    assertThat(ChatbusConfig.parse(file)).isEqualTo(parse("{}"));
  }

  @Test
  void namesKeptFromUsers() {
    ChatbusConfig c = parse("{\"names\":{\"reserved\":[\"Staff\"],\"services\":[\"Deploy\",\"pager\"]}}");
    assertThat(c.naming().reserved()).containsExactly("staff");
    assertThat(c.naming().userProblem("deploy")).isEqualTo("the name deploy belongs to a service");
    assertThat(c.naming().userProblem("STAFF")).isEqualTo("the name STAFF is reserved");
    assertThat(c.naming().serviceProblem("alice")).isEqualTo("alice is not one of the service names (names.services)");
    assertThat(c.naming().serviceProblem("PAGER")).isNull();
    assertThat(parse("{}").naming().serviceProblem("anything")).isNull();
    assertThat(parse("{}").naming().serviceProblem("root")).isEqualTo("the name root is reserved");
    rejected("{\"names\":{\"services\":[\"two words\"]}}",
      "names.services: 'two words' is not a valid name: a name may only hold letters, digits and _-[]\\^{}|");
    rejected("{\"names\":{\"services\":[\"admin\"]}}", "names.services: 'admin' is also in names.reserved");
  }

  @Test
  void aBridgeBeyondLoopbackNeedsAToken() {
    rejected("{\"bridge\":{\"host\":\"0.0.0.0\"}}", "bridge.token: the bridge listens on 0.0.0.0, beyond this "
      + "machine, where anyone who reaches it could speak as any service; set a token, or bridge.host to 127.0.0.1");
    assertThat(parse("{\"bridge\":{\"host\":\"0.0.0.0\",\"token\":\"s3cret\"}}").bridge().host()).isEqualTo("0.0.0.0");
    assertThat(parse("{\"bridge\":{\"host\":\"::1\"}}").bridge().host()).isEqualTo("::1");
    assertThat(parse("{\"bridge\":{\"host\":\"0.0.0.0\",\"enabled\":false}}").bridge().enabled()).isFalse();
  }

  @Test
  void durationsAndSizes() {
    ChatbusConfig c = parse("{\"limits\":{\"loginTimeout\":\"250ms\",\"idleTimeout\":\"5m\","
      + "\"rate\":{\"disconnectAfter\":1500},"
      + "\"slowConsumer\":{\"queueBytes\":\"64KiB\",\"maxQueueBytes\":\"2MiB\",\"maxTime\":\"1h\"},\"maxLineBytes\":\"8192\"}}");
    assertThat(c.limits().loginTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.limits().rate().disconnectAfter()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.limits().slowConsumer()).isEqualTo(new ChatbusConfig.SlowConsumer(64 << 10, 2 << 20, Duration.ofHours(1)));
    assertThat(c.limits().maxLineBytes()).isEqualTo(8192);
  }

  @Test
  void environmentVariablesOverrideTheFileAndSystemPropertiesOverrideBoth() {
    JsonObject file = new JsonObject()
      .put("tcp", new JsonObject().put("port", 7100))
      .put("limits", new JsonObject().put("rate", new JsonObject().put("burst", 5)));
    JsonObject environmentAndProperties = new JsonObject()
      .put("CHATBUS_TCP_PORT", "7200")
      .put("CHATBUS_LIMITS_RATE_BURST", "6")
      .put("CHATBUS_LIMITS_PER_IP_EXEMPT", "10.0.0.1, 10.0.0.2")
      .put("chatbus.limits.rate.burst", "7");
    ChatbusConfig c = ChatbusConfig.parse(file, environmentAndProperties);
    assertThat(c.tcp().port()).isEqualTo(7200);
    assertThat(c.limits().rate().burst()).isEqualTo(7);
    assertThat(c.limits().perIpExempt()).isEqualTo(Set.of("10.0.0.1", "10.0.0.2"));
  }

  @Test
  void environmentNames() {
    assertThat(Settings.envName("limits.rate.linesPerSecond")).isEqualTo("CHATBUS_LIMITS_RATE_LINES_PER_SECOND");
    assertThat(Settings.envName("tcp.port")).isEqualTo("CHATBUS_TCP_PORT");
  }

  @Test
  void roomNamesAreNormalized() {
    assertThat(parse("{\"rooms\":{\"default\":\"#Main\"}}").rooms().defaultRoom()).isEqualTo("main");
  }

  @Test
  void invalidValuesNameTheKeyAndTheRule() {
    rejected("{\"tcp\":{\"port\":70000}}", "tcp.port: must be between -1 and 65535, got 70000");
    rejected("{\"tcp\":{\"port\":\"seven\"}}", "tcp.port: expected a whole number, got 'seven'");
    rejected("{\"tcp\":{\"port\":1.5}}", "tcp.port: expected a whole number, got 1.5");
    rejected("{\"limits\":{\"maxLineBytes\":10}}", "limits.maxLineBytes: must be between 64 and 1048576 bytes, got 10");
    rejected("{\"limits\":{\"idleTimeout\":\"soon\"}}", "limits.idleTimeout: expected a duration such as 300s, 250ms, 5m or 1h, got 'soon'");
    rejected("{\"limits\":{\"loginTimeout\":\"0s\"}}", "limits.loginTimeout: must be at least 1ms, got 0ms");
    rejected("{\"limits\":{\"rate\":{\"linesPerSecond\":0}}}", "limits.rate.linesPerSecond: must be at least 0.001, got 0.0");
    rejected("{\"limits\":{\"rate\":{\"linesPerSecond\":\"fast\"}}}", "limits.rate.linesPerSecond: expected a number, got 'fast'");
    rejected("{\"limits\":{\"slowConsumer\":{\"queueBytes\":\"2MiB\"}}}",
      "limits.slowConsumer.maxQueueBytes: must be at least limits.slowConsumer.queueBytes (2097152), got 1048576");
    rejected("{\"rooms\":{\"default\":\"a b\"}}", "rooms.default: a room name cannot hold spaces, commas or control characters, got 'a b'");
    rejected("{\"node\":{\"name\":\"a b\"}}", "node.name: at most 64 letters, digits, '.', '_' or '-', got 'a b'");
    rejected("{\"limits\":{\"perIpExempt\":[\"localhost\"]}}", "limits.perIpExempt: 'localhost' is not an IP address");
    rejected("{\"limits\":{\"loopbackExempt\":\"yes\"}}", "limits.loopbackExempt: expected true or false, got 'yes'");
    rejected("{\"persistence\":{\"postgresql\":{\"url\":\"jdbc:mysql://x\"}}}",
      "persistence.postgresql.url: expected a jdbc:postgresql: URL, got 'jdbc:mysql://x'");
    rejected("{\"persistence\":{\"retry\":{\"first\":\"2s\",\"max\":\"1s\"}}}",
      "persistence.retry.max: must be at least persistence.retry.first (2000ms), got 1000ms");
    rejected("{\"history\":{\"replayOnJoin\":5000}}", "history.replayOnJoin: must be between 0 and 1000, got 5000");
  }

  @Test
  void unknownEnvironmentVariablesAreWarnedOfAndIgnored() {
    // The scripts' own variables reach the node's environment: scripts/cluster.sh's database, bench.sh's
    // Java, the tests' PostgreSQL.
    JsonObject env = new JsonObject().put("CHATBUS_PG_URL", "jdbc:postgresql://db/chatbus").put("CHATBUS_JAVA", "/opt/java")
      .put("CHATBUS_TEST_PG_URL", "jdbc:postgresql://db/test").put("CHATBUS_TCP_PORTT", "1").put("CHATBUS_TCP_PORT", "7100");
    List<String> warnings = new ArrayList<>();
    ChatbusConfig c = ChatbusConfig.parse(new JsonObject(), env, warnings::add);
    assertThat(c.tcp().port()).isEqualTo(7100);
    assertThat(warnings).containsExactly("CHATBUS_JAVA: not a Chatbus setting; ignored",
      "CHATBUS_PG_URL: not a Chatbus setting; ignored", "CHATBUS_TCP_PORTT: not a Chatbus setting; ignored",
      "CHATBUS_TEST_PG_URL: not a Chatbus setting; ignored");
  }

  @Test
  void thePropertiesChatbusReadsBesidesItsSettingsAreAccepted() {
    JsonObject props = new JsonObject().put("chatbus.config", "conf/config.json").put("chatbus.cluster.config", "my.xml")
      .put("chatbus.nativeTransport", "false").put("CHATBUS_CONFIG", "conf/config.json")
      .put("chatbus.log.format", "json").put("CHATBUS_LOG_FORMAT", "json");
    List<String> warnings = new ArrayList<>();
    assertThat(ChatbusConfig.parse(new JsonObject(), props, warnings::add).tcp().port()).isEqualTo(7000);
    assertThat(warnings).isEmpty();
  }

  @Test
  void unknownKeysAreRejectedRatherThanIgnored() {
    rejected("{\"limits\":{\"maxLineByte\":100}}", "limits.maxLineByte: not a Chatbus setting");
    rejected("{\"tpc\":{\"port\":1}}", "tpc.port: not a Chatbus setting");
    rejected("{\"port\":7100}", "port: not a Chatbus setting");
    rejected("{\"tcp.port\":7100}", "tcp.port: not a Chatbus setting (in JSON, write it as nested objects)");
    assertThatThrownBy(() -> ChatbusConfig.parse(new JsonObject(), new JsonObject().put("chatbus.tcp.prot", "1")))
      .hasMessage("chatbus.tcp.prot: not a Chatbus setting");
    // Everything else in the environment and the system properties is none of Chatbus's business.
    JsonObject unrelated = new JsonObject().put("PATH", "/bin").put("java.version", "17").put("port", "1")
      .put("CHATBUS_CONFIG", "x.json").put("chatbus.config", "x.json");
    assertThat(ChatbusConfig.parse(new JsonObject(), unrelated).tcp().port()).isEqualTo(7000);
  }

  @Test
  void integrationPortsHaveDefaultsAndChecks() {
    ChatbusConfig c = parse("{}");
    assertThat(c.bridge()).isEqualTo(new ChatbusConfig.Bridge(true, "127.0.0.1", 7001, 7002, 64 << 10, 1 << 20,
      Duration.ofSeconds(300), 1000, 64, Duration.ofSeconds(5), 16, ""));
    assertThat(c.http()).isEqualTo(new ChatbusConfig.Http(true, "0.0.0.0", 8080, 8443, "", "", 1000, 64,
      Duration.ofSeconds(10), Duration.ofSeconds(60), 10, 20, 0, List.of()));
    assertThat(c.metrics()).isTrue();
    ChatbusConfig env = ChatbusConfig.parse(new JsonObject(), new JsonObject().put("CHATBUS_BRIDGE_TOKEN", "s3cret")
      .put("chatbus.metrics.enabled", "false").put("CHATBUS_HTTP_PORT", "9090"));
    assertThat(env.bridge().token()).isEqualTo("s3cret");
    assertThat(env.metrics()).isFalse();
    assertThat(env.http().port()).isEqualTo(9090);
    rejected("{\"bridge\":{\"maxFrameBytes\":\"100\"}}", "bridge.maxFrameBytes: must be between 256 and 16777216 bytes, got 100");
    rejected("{\"bridge\":{\"port\":-2}}", "bridge.port: must be between -1 and 65535, got -2");
    rejected("{\"http\":{\"enabled\":\"on\"}}", "http.enabled: expected true or false, got 'on'");
    assertThat(parse("{\"http\":{\"allowedOrigins\":[\"HTTPS://Chat.Example.org:443/\",\"http://localhost:3000\",\"*\"]}}")
      .http().allowedOrigins()).containsExactly("https://chat.example.org", "http://localhost:3000", "*");
    rejected("{\"http\":{\"allowedOrigins\":[\"chat.example.org\"]}}", "http.allowedOrigins: 'chat.example.org' "
      + "is not an origin (scheme://host[:port], as https://chat.example.org) or *");
  }

  @Test
  void theIrcPortHasDefaultsAndChecks() {
    assertThat(parse("{}").irc()).isEqualTo(new ChatbusConfig.Irc(true, "0.0.0.0", 6667, 6697, "", "Chatbus", "", "",
      Duration.ofSeconds(120)));
    ChatbusConfig env = ChatbusConfig.parse(new JsonObject(), new JsonObject().put("CHATBUS_IRC_SERVER_NAME", "irc.example.org")
      .put("chatbus.irc.pingAfter", "30s"));
    assertThat(env.irc().serverName()).isEqualTo("irc.example.org");
    assertThat(env.irc().pingAfter()).isEqualTo(Duration.ofSeconds(30));
    rejected("{\"irc\":{\"serverName\":\"my server\"}}",
      "irc.serverName: at most 63 letters, digits, '.', '_' or '-', got 'my server'");
    rejected("{\"irc\":{\"network\":\"\"}}", "irc.network: 1 to 63 letters, digits, '.', '_' or '-', got ''");
  }

  @Test
  void listsFromJsonArrays() {
    ChatbusConfig c = ChatbusConfig.parse(new JsonObject().put("limits",
      new JsonObject().put("perIpExempt", new JsonArray().add("::1"))));
    assertThat(c.limits().perIpExempt()).isEqualTo(Set.of("::1"));
  }

  @Test
  void tlsNeedsACertificateAndItsKeyAndAnAuthorityToAskForClientCertificates() {
    assertThat(parse("{}").tls().enabled()).isFalse();
    assertThat(parse("{\"tls\": {\"cert\": \"c.pem\", \"key\": \"k.pem\"}}").tls())
      .isEqualTo(new ChatbusConfig.Tls("c.pem", "k.pem", "", ChatbusConfig.Tls.ClientAuth.NONE, Duration.ofSeconds(10)));
    rejected("{\"tls\": {\"cert\": \"c.pem\"}}", "tls.key: needed with tls.cert");
    rejected("{\"tls\": {\"cert\": \"c.pem\", \"key\": \"k.pem\", \"clientAuth\": \"require\"}}",
      "tls.clientCa: needed to ask for client certificates (tls.clientAuth require)");
    rejected("{\"tls\": {\"cert\": \"c.pem\", \"key\": \"k.pem\", \"clientAuth\": \"always\"}}",
      "tls.clientAuth: expected none, request or require, got 'always'");
    rejected("{\"tcp\": {\"tlsPort\": -2}}", "tcp.tlsPort: must be between -1 and 65535, got -2");
  }

  @Test
  void aWindowOfHistoryHoldsWhatFitsInOneAnswerAtAWholeLineEach() {
    assertThat(parse("{}").history().windowLimit()).as("128 KiB at 640 bytes").isEqualTo(204);
    assertThat(parse("{\"history\": {\"maxPerRequest\": 50}}").history().windowLimit()).isEqualTo(50);
    assertThat(parse("{\"history\": {\"maxBytes\": 512}}").history().windowLimit()).isEqualTo(1);
  }

  @Test
  void accountsAndTokens() {
    ChatbusConfig c = parse("{}");
    assertThat(c.accounts()).isEqualTo(new ChatbusConfig.Accounts(true, false, 5, 20, Duration.ofMinutes(15), 8));
    assertThat(c.tokens().enabled()).isFalse();
    ChatbusConfig set = parse("{\"accounts\": {\"registration\": false, \"required\": true, \"maxFailures\": 3, "
      + "\"maxFailuresPerAddress\": 9, \"lockout\": \"1h\", \"minPasswordLength\": 12}, \"tokens\": {\"secret\": \"" + "x".repeat(32) + "\"}}");
    assertThat(set.accounts()).isEqualTo(new ChatbusConfig.Accounts(false, true, 3, 9, Duration.ofHours(1), 12));
    assertThat(set.tokens().enabled()).isTrue();
    assertThat(set.tokens().toString()).doesNotContain("xxxx");
    rejected("{\"tokens\": {\"secret\": \"short\"}}", "tokens.secret: must be at least 32 bytes (HS256's key size), got 5");
    rejected("{\"accounts\": {\"required\": true}, \"persistence\": {\"store\": \"none\"}}",
      "accounts.required: accounts are kept in the store, and persistence.store is none");
  }
}
