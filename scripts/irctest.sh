#!/usr/bin/env bash
# Runs irctest, the public conformance suite of IRC servers (github.com/progval/irctest), against
# Chatbus's IRC port: one fresh node per test, started by the controller in src/test/irctest.
#
#   scripts/irctest.sh                    the tests of the commands Chatbus offers (docs/irc.md)
#   scripts/irctest.sh --all              every server test
#   scripts/irctest.sh -- -k PingPong -x  anything after -- goes to pytest
#
# IRCTEST_MARKS replaces the selection by marks: irctest marks its chathistory tests as needing services,
# since some of them register accounts (those are skipped), so they run with
#   IRCTEST_MARKS='not implementation-specific and not deprecated and not strict' scripts/irctest.sh --all -- -k chathistory
#
# irctest is cloned into target/irctest at the commit it was last checked against (IRCTEST_DIR names
# another checkout). It needs Python 3.9 or newer with pytest (Debian: python3-pytest), on IRCTEST_PYTHON
# or python3. The selection leaves out what irctest marks implementation-specific, deprecated, strict or
# needing services. A pytest whose pluggy is older than 1.1 (Debian 12's) cannot load irctest's
# conftest.py as it is: its one `wrapper=True` hook needs the older `hookwrapper=True` form there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
commit=b00c039766f5c497920dd787f7cb0e0005bd5ce0

all=false
if [ "${1:-}" = "--all" ]; then all=true; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi

dir=${IRCTEST_DIR:-target/irctest}
if [ ! -e "$dir/irctest" ]; then
  git clone -q https://github.com/progval/irctest "$dir"
  git -C "$dir" checkout -q "$commit"
fi
if [ "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" != "$commit" ]; then
  echo "note: $dir is not at $commit, the commit these results were last checked against" >&2
fi

jar=target/chatbus.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src/main -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
fi

if $all; then
  tests=(irctest/server_tests)
else
  tests=()
  for t in connection_registration cap pingpong join part names messages topic list who whois quit kick invite \
    regressions chmodes; do
    if [ -e "$dir/irctest/server_tests/$t.py" ]; then tests+=("irctest/server_tests/$t.py"); fi
    if [ -d "$dir/irctest/server_tests/$t" ]; then tests+=("irctest/server_tests/$t"); fi
  done
fi

cd "$dir"
# No irctest test has a timeout of its own: a server that stays silent would hang the run.
PYTHONPATH="$root/src/test/irctest" CHATBUS_JAR="$root/$jar" timeout "${IRCTEST_TIMEOUT:-3600}" \
  "${IRCTEST_PYTHON:-python3}" -m pytest --controller chatbus_irctest.controller \
  -m "${IRCTEST_MARKS:-not implementation-specific and not deprecated and not strict and not services}" \
  -p no:cacheprovider -q -rfEs "${tests[@]}" "$@"
