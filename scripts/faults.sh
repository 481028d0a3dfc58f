#!/usr/bin/env bash
# The fault harness (docs/faults.md): three Chatbus nodes on loopback over the PostgreSQL server on
# 127.0.0.1:5432 (user postgres; CHATBUS_PG_URL and CHATBUS_PG_USER point elsewhere), a workload of JSON and
# text senders and observers in one room, faults injected on a schedule, and a checker of what the clients
# saw against what the store holds. Prints one verdict line per scenario; exits 0 if all passed.
#
#   scripts/faults.sh                          every scenario, each with two rounds of its fault
#   SCENARIO=kill-owner ROUNDS=1 scripts/faults.sh   one scenario, one round
#
# Scenarios: kill-owner (the room's owner killed with SIGKILL and started again), pause-owner (paused with
# SIGSTOP past the failure detector, then resumed).
#
# Logs go to target/faults/. Every node it starts is stopped before it exits.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=target/chatbus.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
fi
rm -rf target/faults
exec java -cp "$jar" dev.chatbus.faults.FaultHarness --scenario "${SCENARIO:-all}" --rounds "${ROUNDS:-2}" \
  --pg "${CHATBUS_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}" --pg-user "${CHATBUS_PG_USER:-postgres}" \
  --dir target/faults
