#!/usr/bin/env bash
# Builds Chatbus if the jar is missing or older than the sources, then runs one node in the foreground
# with the embedded defaults (conf/config.json, conf/logback.xml). Arguments go to the launcher, e.g.
#   scripts/run.sh -conf '{"tcp":{"port":7100}}'
# The JVM starts with conf/jvm.options, then JAVA_OPTS. SIGTERM or Ctrl-C stops the node gracefully (exit status 0).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/chatbus.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
fi
# exec, so that signals reach the JVM itself; conf/jvm.options first, so that JAVA_OPTS wins
exec java @conf/jvm.options ${JAVA_OPTS:-} -jar "$jar" "$@"
