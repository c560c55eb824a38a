#!/bin/sh
# The visitor counter's page (berth-examples/counter:1), run by busybox httpd for every GET /.
# It speaks redis' protocol through nc: HINCRBY counts this container's visit atomically (so
# concurrent requests never lose one), HGETALL reads every container's count (a small hash keeps
# insertion order: the containers in the order of their first visit), QUIT makes redis close the
# connection so that nc ends. `timeout` bounds a redis that accepts but never answers, nc -w the
# connect; a redis that is down, unknown or failing gives 503 with a message at once.
# COUNTER_NAME (the container's hostname) is set once by the image's CMD; REDIS_HOST names redis.
redis=${REDIS_HOST:-redis}
if page=$(printf 'HINCRBY visits %s 1\r\nHGETALL visits\r\nQUIT\r\n' "$COUNTER_NAME" \
    | timeout 3 nc -w 2 "$redis" 6379 2>/dev/null | awk '
  { sub(/\r$/, "") }
  NR == 1 { if ($0 !~ /^:[0-9]+$/) exit 1; next }
  /^-/ { exit 1 }
  /^[*$+]/ { next }
  { if (key == "") key = $0; else { print key " > " $0; key = ""; n++ } }
  END { if (NR == 0 || n == 0) exit 1 }
'); then
  status=""
  body="$page
"
else
  # httpd passes a CGI's own status line through (otherwise it answers 200).
  status='HTTP/1.0 503 Service Unavailable\r\n'
  body="counter $COUNTER_NAME: redis at $redis:6379 does not answer
"
fi
# A length and "Connection: close": clients (wrk) then see the answer's end without an error.
# shellcheck disable=SC2059 # $status holds the \r\n escapes printf is meant to expand
printf "${status}Content-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" "${#body}" "$body"
