#!/usr/bin/env bash
# Starts a Chatbus network of three nodes on this machine, clustered over Hazelcast on loopback and
# sharing one PostgreSQL history, and prints how to connect to each. Ctrl-C (or SIGTERM) stops every
# node gracefully and waits for it.
#
#   scripts/cluster.sh            three nodes: clients on ports 7000, 7010, 7020, IRC on 6667, 6668, 6669,
#                                 the event-bus bridge on 7001, 7011, 7021, HTTP on 8080, 8081, 8082
#   NODES=5 scripts/cluster.sh    five nodes, on 7000-7040, 6667-6671, 7001-7041 and 8080-8084
#
# PostgreSQL: CHATBUS_PG_URL (default jdbc:postgresql://127.0.0.1:5432/chatbus_cluster, created with psql
# if it is missing), CHATBUS_PG_USER (postgres), CHATBUS_PG_PASSWORD (empty). Logs go to
# target/cluster/node-*.log. JAVA_OPTS is passed to every JVM.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=${NODES:-3}
pg_url=${CHATBUS_PG_URL:-jdbc:postgresql://127.0.0.1:5432/chatbus_cluster}
pg_user=${CHATBUS_PG_USER:-postgres}
pg_password=${CHATBUS_PG_PASSWORD:-}
cluster_name=${CHATBUS_CLUSTER_NAME:-chatbus-local}

jar=target/chatbus.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
fi

database=${pg_url##*/}
database=${database%%\?*}
if command -v psql >/dev/null 2>&1; then
  hostport=${pg_url#jdbc:postgresql://}
  hostport=${hostport%%/*}
  if ! PGPASSWORD=$pg_password psql -h "${hostport%%:*}" -p "${hostport##*:}" -U "$pg_user" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    echo "creating database $database"
    PGPASSWORD=$pg_password psql -h "${hostport%%:*}" -p "${hostport##*:}" -U "$pg_user" -d postgres -qc "CREATE DATABASE $database"
  fi
fi

mkdir -p target/cluster
pids=()
stop_all() {
  trap - INT TERM
  echo
  echo "stopping ${#pids[@]} nodes"
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  echo "stopped"
  exit 0
}
trap stop_all INT TERM

for i in $(seq 1 "$nodes"); do
  name=node-$(printf "\\x$(printf %x $((96 + i)))")
  port=$((7000 + 10 * (i - 1)))
  bridge_port=$((port + 1))
  irc_port=$((6667 + i - 1))
  http_port=$((8080 + i - 1))
  log=target/cluster/$name.log
  conf=$(cat <<JSON
{"node": {"name": "$name"},
 "tcp": {"port": $port},
 "irc": {"port": $irc_port},
 "bridge": {"port": $bridge_port},
 "http": {"port": $http_port},
 "cluster": {"enabled": true, "name": "$cluster_name", "members": ["127.0.0.1"], "interface": "127.0.0.1"},
 "persistence": {"store": "postgresql",
                 "postgresql": {"url": "$pg_url", "user": "$pg_user", "password": "$pg_password"}}}
JSON
)
  java ${JAVA_OPTS:-} -jar "$jar" -conf "$conf" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if grep -q "listening on" "$log"; then
      break
    fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$name did not start; its log:" >&2
      cat "$log" >&2
      stop_all
    fi
    sleep 0.5
  done
  grep -q "listening on" "$log" || { echo "$name did not start within 60 s; see $log" >&2; stop_all; }
  echo "$name is up: nc 127.0.0.1 $port   irc 127.0.0.1:$irc_port   bridge 127.0.0.1:$bridge_port   http://127.0.0.1:$http_port/health   (log: $log)"
done

echo
echo "One network of $nodes nodes: a user on any of them talks with users on every other."
echo "Press Ctrl-C to stop them all."
# Until a signal: report a node that exits by itself, and keep the others running.
while [ ${#pids[@]} -gt 0 ]; do
  wait -n "${pids[@]}" || true
  running=()
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      running+=("$pid")
    else
      echo "the node with process id $pid has exited; see target/cluster/" >&2
    fi
  done
  pids=("${running[@]}")
done
