#!/usr/bin/env bash
# Runs the same workloads against Chatbus and its peers (ngIRCd, InspIRCd, Redis pub/sub) on loopback,
# one server at a time, each started fresh for each workload, and prints one side-by-side table.
#
#   scripts/bench.sh                      every workload of docs/benchmarks.md against every server
#   scripts/bench.sh --quick              short runs, smaller conns workload (a smoke test)
#   scripts/bench.sh --servers chatbus,redis --workloads fanout1000,conns
#   scripts/bench.sh --servers chatbus,cluster3 --workloads fanout1000,latency100
#                                         one node against three clustered nodes, clients spread over them
#   scripts/bench.sh --servers chatbus,chatbus-tls --workloads fanout1000,rooms
#                                         the client port against the same node's TLS port
#   scripts/bench.sh --servers chatbus,chatbus-nometrics --workloads fanout1000,rooms
#                                         one node with metrics on against the same with metrics.enabled=false
#   scripts/bench.sh --servers chatbus,chatbus-ws --workloads fanout1000,fanout100
#                                         the client port against the same node's WebSocket, as browsers use it
#   scripts/bench.sh --servers chatbus-irc,ngircd,inspircd --workloads fanout1000,rooms
#                                         Chatbus's IRC port beside the IRC servers
#   scripts/bench.sh --servers chatbus,chatbus-embedded --workloads fanout1000,rooms
#                                         nothing stored against the embedded store with replay on join
#   scripts/bench.sh --servers chatbus-embedded,chatbus-postgresql --workloads joins1k,joins100k,joins1m,joins1m-pruned
#                                         how long entering a room takes against the size of its history
#   BASE_JAR=/path/to/older/chatbus.jar scripts/bench.sh --servers chatbus-base,chatbus --workloads conns,fanout1000
#   BASE_JAR=/path/to/older/chatbus.jar scripts/bench.sh --servers cluster3-base,cluster3 --workloads rooms
#                                         an earlier build against this one: a change's figures before and after
#   BASE_JAR=target/chatbus.jar BASE_JVM_OPTIONS=/path/to/other.options scripts/bench.sh --servers chatbus-base,chatbus
#                                         the same build with other JVM options than conf/jvm.options
#
# Peers missing from the machine are installed from Debian's packages (apt-get, as root or through
# sudo); a peer that cannot be installed is skipped with a warning. Results go to
# target/bench/<time>/results.jsonl (one JSON line per run) and table.md. Only processes this script
# started are stopped. Chatbus and the load generator run on the newest JDK found in /usr/lib/jvm (or
# on CHATBUS_JAVA, or the java on the PATH); conf/jvm.options, then JAVA_OPTS, are passed to the Chatbus JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

servers="chatbus,ngircd,inspircd,redis"
workloads="fanout1000,fanout100,rooms,latency100,latency1000,conns"
duration=10
warmup=10
conns=19000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=3; warmup=1; conns=2000; shift ;;
    --servers) servers="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

jar=target/chatbus.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
fi
run="$root/target/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
# The run keeps its own copy of the jar, so that a rebuild meanwhile changes nothing.
cp "$jar" "$run/chatbus.jar"
results="$run/results.jsonl"
# The newest JDK installed: JIT and garbage collectors improve from release to release.
newest_java() {
  local best=java best_version=0
  for j in /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    local v
    v=$("$j" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [ -n "$v" ] && [ "${v%%.*}" -gt "${best_version%%.*}" ] 2>/dev/null; then
      best=$j best_version=$v
    fi
  done
  echo "$best"
}
java=${CHATBUS_JAVA:-$(newest_java)}
# Chatbus starts with the JVM options scripts/run.sh gives it; the earlier build with BASE_JVM_OPTIONS, if set
# (another file of them: the before of a change to the options themselves).
jvm_options="$root/conf/jvm.options"
base_jvm_options=${BASE_JVM_OPTIONS:-$jvm_options}

# Every client and every server holds one file per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

install_peers() {
  local missing=()
  for s in ${servers//,/ }; do
    case "$s" in
      ngircd) command -v ngircd >/dev/null || missing+=(ngircd) ;;
      inspircd) command -v inspircd >/dev/null || missing+=(inspircd) ;;
      redis) command -v redis-server >/dev/null || missing+=(redis-server) ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} from Debian's packages"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  # Debian's packages would start the servers as services where an init system runs: stop only what
  # this installation started, by the pid files the packages write.
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$run/apt.log" 2>&1; then
    $sudo apt-get update -q >>"$run/apt.log" 2>&1 || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$run/apt.log" 2>&1 ||
      echo "warning: could not install ${missing[*]} (see $run/apt.log); those peers are skipped" >&2
  fi
}

pid=""
tls_args=""

# An authority and a certificate for 127.0.0.1 it signs, in $run/tls, for chatbus-tls.
make_tls() {
  [ -f "$run/tls/cert.pem" ] && return 0
  mkdir -p "$run/tls"
  (
    cd "$run/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout ca-key.pem -out ca.pem \
      -subj "/CN=Chatbus bench CA"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out req.csr -subj "/CN=localhost"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >ext.cnf
    openssl x509 -req -in req.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile ext.cnf -out cert.pem
  ) >"$run/tls.log" 2>&1
}

start_server() {
  local s=$1
  tls_args=""
  case "$s" in
    chatbus)
      # Native memory tracking lets the benchmark count memory outside the heap per connection.
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} \
        -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus.log" 2>&1 &
      pid=$!; port=6670; protocol=chatbus; inflight=200 ;;
    chatbus-base)
      # An earlier build (BASE_JAR), as the chatbus server runs: the "before" of a change.
      [ -n "${BASE_JAR:-}" ] && [ -f "$BASE_JAR" ] || { echo "warning: chatbus-base needs BASE_JAR; skipped" >&2; return 1; }
      cp "$BASE_JAR" "$run/chatbus-base.jar"
      "$java" -XX:NativeMemoryTracking=summary "@$base_jvm_options" ${JAVA_OPTS:-} \
        -jar "$run/chatbus-base.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus-base.log" 2>&1 &
      pid=$!; port=6670; protocol=chatbus; inflight=200 ;;
    chatbus-irc)
      # The same node, its clients on its IRC port: Chatbus speaking IRC, beside ngIRCd and InspIRCd.
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} \
        -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus-irc.log" 2>&1 &
      pid=$!; port=6673; protocol=irc; inflight=200 ;;
    chatbus-ws)
      # The same node, its clients on its WebSocket (the HTTP port), speaking JSON as the web client does.
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} -Dchatbus.http.port=6675 \
        -Dchatbus.http.maxConnections=100000 -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" \
        >"$run/chatbus-ws.log" 2>&1 &
      pid=$!; port=6675; protocol=websocket; inflight=200 ;;
    chatbus-tls)
      # The same node, its clients over TLS (TLS 1.3, through OpenSSL where netty-tcnative loads), with a
      # certificate of an authority made for this run (openssl), which the load generator trusts.
      command -v openssl >/dev/null || { echo "warning: chatbus-tls needs openssl; skipped" >&2; return 1; }
      make_tls
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} -Dchatbus.tls.cert="$run/tls/cert.pem" \
        -Dchatbus.tls.key="$run/tls/key.pem" -Dchatbus.tcp.tlsPort=6674 -Dchatbus.irc.tlsPort=-1 \
        -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus-tls.log" 2>&1 &
      pid=$!; port=6674; protocol=chatbus; inflight=200; tls_args="--tls $run/tls/ca.pem" ;;
    chatbus-nometrics)
      # The same node with metrics.enabled=false: what keeping metrics costs.
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} -Dchatbus.metrics.enabled=false \
        -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus-nometrics.log" 2>&1 &
      pid=$!; port=6670; protocol=chatbus; inflight=200 ;;
    chatbus-embedded)
      # The same node keeping everything in the embedded store, with the last 20 messages replayed on
      # every join: what storing and replay cost on the hot path. Each workload starts with an empty store.
      rm -rf "$run/chatbus-embedded"
      # shellcheck disable=SC2086
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} $server_opts -Dchatbus.persistence.store=embedded \
        -Dchatbus.persistence.embedded.path="$run/chatbus-embedded/chatbus" -Dchatbus.history.replayOnJoin=20 \
        -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus-embedded.log" 2>&1 &
      pid=$!; port=6670; protocol=chatbus; inflight=200 ;;
    chatbus-postgresql)
      # The same with PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication; CHATBUS_PG_URL and
      # CHATBUS_PG_USER point elsewhere), in a database made afresh for each workload.
      psql -h 127.0.0.1 -U "${CHATBUS_PG_USER:-postgres}" -d postgres -q -v ON_ERROR_STOP=1 \
        -c 'DROP DATABASE IF EXISTS chatbus_bench' -c 'CREATE DATABASE chatbus_bench' >>"$run/psql.log" 2>&1 ||
        { echo "warning: no PostgreSQL to make chatbus_bench in (see $run/psql.log)" >&2; return 1; }
      # shellcheck disable=SC2086
      "$java" -XX:NativeMemoryTracking=summary "@$jvm_options" ${JAVA_OPTS:-} $server_opts -Dchatbus.persistence.store=postgresql \
        -Dchatbus.persistence.postgresql.url="${CHATBUS_PG_URL:-jdbc:postgresql://127.0.0.1:5432/chatbus_bench}" \
        -Dchatbus.persistence.postgresql.user="${CHATBUS_PG_USER:-postgres}" -Dchatbus.history.replayOnJoin=20 \
        -jar "$run/chatbus.jar" -conf "$root/scripts/bench/chatbus.json" >"$run/chatbus-postgresql.log" 2>&1 &
      pid=$!; port=6670; protocol=chatbus; inflight=200 ;;
    ngircd)
      ngircd -n -f "$root/scripts/bench/peers/ngircd.conf" >"$run/ngircd.log" 2>&1 &
      # ngIRCd listens with a backlog of 10: only a few registrations at a time.
      pid=$!; port=6671; protocol=irc; inflight=8 ;;
    inspircd)
      echo bench >"$run/inspircd-motd.txt"
      sed "s#@RUN@#$run#g" "$root/scripts/bench/peers/inspircd.conf.in" >"$run/inspircd.conf"
      inspircd --runasroot --nofork --config="$run/inspircd.conf" >"$run/inspircd.out" 2>&1 &
      # InspIRCd completes each registration about a second after connecting: many at a time.
      pid=$!; port=6672; protocol=irc; inflight=2000 ;;
    redis)
      redis-server "$root/scripts/bench/peers/redis.conf" >"$run/redis.log" 2>&1 &
      pid=$!; port=6390; protocol=redis; inflight=200 ;;
    cluster3|cluster3-base)
      # Three Chatbus nodes clustered over Hazelcast on loopback, with the one-node settings otherwise;
      # the load generator spreads the clients over them and sums their CPU and memory. cluster3-base runs
      # the earlier build (BASE_JAR), as chatbus-base does.
      local pids=() i jar="$run/chatbus.jar" options="$jvm_options"
      if [ "$s" = cluster3-base ]; then
        [ -n "${BASE_JAR:-}" ] && [ -f "$BASE_JAR" ] || { echo "warning: cluster3-base needs BASE_JAR; skipped" >&2; return 1; }
        cp "$BASE_JAR" "$run/chatbus-base.jar"
        jar="$run/chatbus-base.jar" options="$base_jvm_options"
      fi
      for i in 1 2 3; do
        "$java" "@$options" ${JAVA_OPTS:-} -Dchatbus.node.name=bench-$i -Dchatbus.tcp.port=$((6680 + i)) -Dchatbus.irc.port=$((6690 + i)) \
          -Dchatbus.cluster.enabled=true -Dchatbus.cluster.name=chatbus-bench-$$ -Dchatbus.cluster.interface=127.0.0.1 \
          -jar "$jar" -conf "$root/scripts/bench/chatbus.json" >"$run/cluster3-$i.log" 2>&1 &
        pids+=($!)
        pid=$(IFS=,; echo "${pids[*]}")
        for _ in $(seq 1 600); do
          grep -q "listening on" "$run/cluster3-$i.log" && break
          kill -0 "${pids[-1]}" 2>/dev/null || break
          sleep 0.1
        done
        if ! grep -q "listening on" "$run/cluster3-$i.log"; then
          echo "warning: node $i of cluster3 did not start (see $run/cluster3-$i.log)" >&2
          stop_server
          return 1
        fi
      done
      port=6681,6682,6683; protocol=chatbus; inflight=200
      return 0 ;;
    *) echo "unknown server $s" >&2; exit 2 ;;
  esac
  for _ in $(seq 1 300); do
    if (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "warning: $s did not start listening on 127.0.0.1:$port (see $run)" >&2
  stop_server
  return 1
}

stop_server() {
  [ -z "$pid" ] && return 0
  local p
  for p in ${pid//,/ }; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in ${pid//,/ }; do
    for _ in $(seq 1 150); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pid=""
}
trap stop_server EXIT
# Ctrl-C or a TERM ends the whole run, not only the server of the moment.
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

workload_args() {
  case "$1" in
    fanout1000) echo "--scenario fanout --clients 1000 --senders 10" ;;
    fanout100) echo "--scenario fanout --clients 100 --senders 10" ;;
    rooms) echo "--scenario rooms --clients 1000 --rooms 50 --senders 50" ;;
    latency100) echo "--scenario fanout --clients 100 --senders 10 --rate 1000" ;;
    latency1000) echo "--scenario fanout --clients 1000 --senders 10 --rate 100" ;;
    conns) echo "--scenario conns --clients $conns" ;;
    joins1k*) echo "--scenario joins --clients 1000 --history 1000" ;;
    joins100k*) echo "--scenario joins --clients 1000 --history 100000" ;;
    joins1m*) echo "--scenario joins --clients 1000 --history 1000000" ;;
    *) echo "unknown workload $1" >&2; exit 2 ;;
  esac
}

# What the stored servers are started with for a workload: the joins keep the whole history, or (with
# -pruned) prune a room down to its last 1,000 events every second, as retention does to a busy room.
workload_server_opts() {
  case "$1" in
    joins*-pruned) echo "-Dchatbus.persistence.retention.maxEventsPerRoom=1000 -Dchatbus.persistence.retention.interval=1s" ;;
    joins*) echo "-Dchatbus.persistence.retention.maxEventsPerRoom=0" ;;
    *) echo "" ;;
  esac
}

workload_label() {
  case "$1" in
    *-pruned) echo "pruned" ;;
    *) echo "" ;;
  esac
}

install_peers
{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
  echo "chatbus java: $("$java" -version 2>&1 | head -1)"
  command -v ngircd >/dev/null && echo "ngircd: $(ngircd --version 2>/dev/null | head -1)"
  command -v inspircd >/dev/null && echo "inspircd: $(inspircd --version 2>/dev/null | head -1)"
  command -v redis-server >/dev/null && echo "redis: $(redis-server --version | head -1)"
} | tee "$run/machine.txt"

server_opts=""
for w in ${workloads//,/ }; do
  args=$(workload_args "$w")
  server_opts=$(workload_server_opts "$w")
  for s in ${servers//,/ }; do
    case "$s" in
      ngircd | inspircd | redis) command -v "${s/redis/redis-server}" >/dev/null || continue ;;
    esac
    start_server "$s" || continue
    echo "== $w: $s"
    # shellcheck disable=SC2086
    "$java" -cp "$run/chatbus.jar" dev.chatbus.bench.Bench run --target "$s" --protocol "$protocol" --port "$port" \
      --pid "$pid" --inflight "$inflight" --warmup "$warmup" --duration "$duration" --label "$(workload_label "$w")" \
      --out "$results" $args $tls_args || true
    stop_server
  done
done

"$java" -cp "$run/chatbus.jar" dev.chatbus.bench.Bench table "$results" | tee "$run/table.md"
echo "results: $results"
