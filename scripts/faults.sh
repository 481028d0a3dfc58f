#!/usr/bin/env bash
# The fault harness (docs/faults.md): three Chatbus nodes over the PostgreSQL server on 127.0.0.1:5432
# (user postgres; CHATBUS_PG_URL and CHATBUS_PG_USER point elsewhere), each in a network namespace of its own
# when run as root with ip(8) (NET=loopback keeps them on loopback, without the network faults), a workload
# of JSON and text senders and observers in one room, faults injected on a schedule, and a checker of what
# the clients saw against what the store holds. Prints one verdict line per scenario; exits 0 if all passed.
#
#   scripts/faults.sh                                   every scenario, each with two rounds of its fault
#   SCENARIO=kill-owner,store-restart ROUNDS=1 scripts/faults.sh   some of them, one round each
#
# Scenarios: kill-owner, pause-owner, partition-owner, slow-owner, store-restart, kill-taking-over.
# Logs go to target/faults/. Every node, namespace and link it makes is removed before it exits.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=target/chatbus.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
fi
rm -rf target/faults
exec java -cp "$jar" dev.chatbus.faults.FaultHarness --scenario "${SCENARIO:-all}" ${NET:+--net "$NET"} --rounds "${ROUNDS:-2}" \
  --pg "${CHATBUS_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}" --pg-user "${CHATBUS_PG_USER:-postgres}" \
  --dir target/faults
