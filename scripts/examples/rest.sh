#!/usr/bin/env bash
# Chatbus's REST API with curl: the rooms, who is in one, posting into it as a service, and its latest
# messages. Every call needs the node's http.token (reading alone also takes http.readToken).
#
#   CHATBUS_HTTP=http://127.0.0.1:8080 CHATBUS_TOKEN=s3cret scripts/examples/rest.sh lobby "deploy finished"
set -euo pipefail

base=${CHATBUS_HTTP:-http://127.0.0.1:8080}
token=${CHATBUS_TOKEN:-}
room=${1:-lobby}
text=${2:-hello from curl}
from=${CHATBUS_FROM:-curlbot}

auth="Authorization: Bearer $token"
echo "rooms:"
curl -sS --fail-with-body -H "$auth" "$base/api/v1/rooms"
echo
echo "members of #$room:"
curl -sS -H "$auth" "$base/api/v1/rooms/$room/members"
echo
echo "posting as $from:"
# JSON strings: backslashes and double quotes escaped (text with newlines or other control characters
# needs a real JSON encoder).
json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
body="{\"from\": $(json_string "$from"), \"text\": $(json_string "$text")}"
curl -sS --fail-with-body -H "$auth" -H "Content-Type: application/json" \
  -d "$body" "$base/api/v1/rooms/$room/messages"
echo
echo "the last 5 messages of #$room:"
curl -sS --fail-with-body -H "$auth" "$base/api/v1/rooms/$room/history?limit=5&messagesOnly=true"
echo
