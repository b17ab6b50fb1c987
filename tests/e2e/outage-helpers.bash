# tests/e2e/outage-helpers.bash — helpers for fault-injection suites (57-outages.bats): a private
# PostgreSQL and Redis that may be stopped and frozen (the machine's shared servers on 5432/6379 are never
# touched: other suites use them), an upstream + gateway pair booted against them (scripts/pair-extra.ts
# with a stack environment file of our own), and a background load (sends, message-log reads, logins) that
# records every answer with curl's own timing. Load it after helpers: `load helpers` then `load outage-helpers`.
#
#   outage_servers_start              -> OUT_DIR, PG_PORT, PG_URL_BASE, REDIS_PORT, REDIS_PID (private, throwaway)
#   outage_pg_stop / outage_pg_start  -> pg_ctl -m fast stop / start again on the same port
#   outage_gateway2_start [VAR=VAL...]-> a second gateway with a PostgreSQL of its own (GW2_URL, GW2_DB,
#                                        GW2_PID); _pg_stop data2 / _pg_start data2 stop and start it
#   outage_stack_start [VAR=VAL...]   -> upstream + gateway on them; exports GATEWAY_URL, UPSTREAM_URL,
#                                        DATABASE_URL (the gateway's), GW_PID, UP_PID (cluster primaries)
#   outage_cleanup                    -> stops loads, thaws what is frozen, stops the pair, PostgreSQL, Redis
#   load_start NAME / load_stop       -> background load; answers in $LOAD_DIR/answers.jsonl, one JSON a line:
#                                        {kind, n, t0, code, time, retry_after, id, error}
#   load_violations FROM TO MAX_S CODES_RE [KINDS_RE] -> answers started in [FROM, TO] (epoch s) whose
#                                        code does not match CODES_RE (a 503 also needs Retry-After) or
#                                        that took longer than MAX_S, or whose error names an internal address
#   log_rows_violations ID...         -> wa_message_id ids without exactly one message_logs row

# _free_port — a port nobody listens on right now.
_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# _nofds CMD... — runs CMD with stdin from /dev/null and no descriptor above 2. A daemon started from a
# test inherits every descriptor that is not close-on-exec, and bats' output pipe is open on several (3,
# and others bats keeps): a PostgreSQL or Redis holding one makes bats wait for it after the last test.
_nofds() {
  python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' "$@" </dev/null
}

# _pg BIN ARGS... — a PostgreSQL server binary, as the `postgres` user when we are root (initdb and
# postgres refuse root), without our descriptors (_nofds).
_pg() {
  local bin=$1
  shift
  if [ "$(id -u)" = 0 ]; then
    _nofds runuser -u postgres -- "$PG_BIN/$bin" "$@"
  else
    _nofds "$PG_BIN/$bin" "$@"
  fi
}

_pg_bin_dir() {
  local onpath
  onpath=$(command -v pg_ctl || true)
  if [ -n "$onpath" ] && [ -x "$(dirname "$(readlink -f "$onpath")")/initdb" ]; then
    dirname "$(readlink -f "$onpath")"
    return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# _pg_server NAME — initdb + start a PostgreSQL in $OUT_DIR/NAME on a free port, with the database
# `taguato` (npm start's launcher creates it; the services do not); prints its port.
_pg_server() {
  local data="$OUT_DIR/$1" port
  _pg initdb -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$OUT_DIR/$1-initdb.log" 2>&1 ||
    { cat "$OUT_DIR/$1-initdb.log" >&2; return 1; }
  port=$(_free_port)
  # Its start options live beside the data (_pg_start reads them).
  echo "-c listen_addresses=127.0.0.1 -p $port -k $OUT_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" >"$OUT_DIR/$1.opts"
  _pg_start "$1" || return 1
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres taguato || return 1
  echo "$port"
}

# _pg_start NAME / _pg_stop NAME — start again on the same port / pg_ctl -m fast stop (sessions are
# terminated, then the port refuses connections).
_pg_start() {
  _pg pg_ctl -D "$OUT_DIR/$1" -l "$OUT_DIR/$1.log" -w -t 60 -o "$(cat "$OUT_DIR/$1.opts")" start >/dev/null
}

_pg_stop() {
  _pg pg_ctl -D "$OUT_DIR/$1" -m fast -w -t 60 stop >/dev/null
}

# outage_servers_start — a PostgreSQL (`data`) and a Redis on free loopback ports under OUT_DIR (in /tmp:
# short socket path, readable by the postgres user). State is kept in $BATS_FILE_TMPDIR/outage.env.
outage_servers_start() {
  export PG_BIN OUT_DIR PG_PORT PG_URL_BASE REDIS_PORT REDIS_PID
  PG_BIN=$(_pg_bin_dir)
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  command -v redis-server >/dev/null || { echo "redis-server not found" >&2; return 1; }
  OUT_DIR=$(mktemp -d /tmp/tg-outage-XXXXXX)
  echo "OUT_DIR=$OUT_DIR" >"$BATS_FILE_TMPDIR/outage.env"
  chmod 755 "$OUT_DIR"
  mkdir -p "$OUT_DIR/journal"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$OUT_DIR"
  PG_PORT=$(_pg_server data) || return 1
  PG_URL_BASE="postgres://postgres@127.0.0.1:$PG_PORT"

  REDIS_PORT=$(_free_port)
  _nofds redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$OUT_DIR/redis.pid" --dir "$OUT_DIR" \
    --save '' --appendonly no --logfile "$OUT_DIR/redis.log" >/dev/null || return 1
  for _ in $(seq 100); do [ -s "$OUT_DIR/redis.pid" ] && break; sleep 0.1; done
  REDIS_PID=$(cat "$OUT_DIR/redis.pid")
  [ -n "$REDIS_PID" ] || { echo "private redis-server did not start" >&2; return 1; }
  echo "REDIS_PID=$REDIS_PID" >>"$BATS_FILE_TMPDIR/outage.env"
}

# outage_pg_stop / outage_pg_start — the stack's PostgreSQL (gateway and upstream).
outage_pg_start() { _pg_start data; }
outage_pg_stop() { _pg_stop data; }

# outage_gateway2_start [VAR=VAL...] — a second gateway (one worker, no cron jobs) on a PostgreSQL of its
# own (`data2`), the same Redis and the same upstream: its database can go down while the upstream's
# stays up. Sets GW2_URL, GW2_DB (its database URL), GW2_PID.
outage_gateway2_start() {
  export GW2_URL GW2_DB GW2_PID
  local port
  port=$(_pg_server data2) || return 1
  GW2_DB="postgres://postgres@127.0.0.1:$port/taguato"
  TAGUATO_STACK_ENV_FILE=$(sed -n 's/^PAIR_ENV=//p' "$BATS_FILE_TMPDIR/outage.env" | tail -1) \
    start_extra_gateway "DATABASE_URL=$GW2_DB" "UPSTREAM_URL=$UPSTREAM_URL" GATEWAY_WORKERS=1 WORKERS_ENABLED=false "$@" >/dev/null || return 1
  GW2_URL=$EXTRA_URL GW2_PID=$EXTRA_PID
}

# outage_stack_start [VAR=VAL...] — the pair (upstream first, then one gateway) on the private servers,
# through scripts/pair-extra.ts with a copy of the stack's environment file naming them.
outage_stack_start() {
  : "${TAGUATO_STACK_ENV_FILE:?TAGUATO_STACK_ENV_FILE is not set: run through npm test}"
  local envf="$BATS_FILE_TMPDIR/outage-stack.env"
  grep -v -e '^DATABASE_URL=' -e '^REDIS_URL=' -e '^MESSAGE_LOG_JOURNAL_DIR=' "$TAGUATO_STACK_ENV_FILE" >"$envf"
  {
    echo "DATABASE_URL='$PG_URL_BASE/taguato'"
    echo "REDIS_URL='redis://127.0.0.1:$REDIS_PORT'"
    echo "MESSAGE_LOG_JOURNAL_DIR='$OUT_DIR/journal'"
  } >>"$envf"
  export PAIR_STATE="$BATS_FILE_TMPDIR/pair.env"
  echo "PAIR_STATE=$PAIR_STATE" >>"$BATS_FILE_TMPDIR/outage.env"
  echo "PAIR_ENV=$envf" >>"$BATS_FILE_TMPDIR/outage.env"
  local url
  url=$(cd "$REPO_ROOT" && TAGUATO_STACK_ENV_FILE=$envf _nofds node --import tsx scripts/pair-extra.ts start "$PAIR_STATE" "$@") ||
    { echo "outage_stack_start: the pair did not start" >&2; return 1; }
  export GATEWAY_URL=$url
  export UPSTREAM_URL GW_PID UP_PID GW_LOG UP_LOG
  UPSTREAM_URL=$(sed -n "s/^UPSTREAM_URL='\(.*\)'$/\1/p" "$PAIR_STATE")
  GW_PID=$(sed -n "s/^GATEWAY_PID='\(.*\)'$/\1/p" "$PAIR_STATE")
  UP_PID=$(sed -n "s/^UPSTREAM_PID='\(.*\)'$/\1/p" "$PAIR_STATE")
  local logdir
  logdir=$(sed -n "s/^TAGUATO_LOG_DIR='\(.*\)'$/\1/p" "$envf")
  GW_LOG="$logdir/pair-gateway-${GATEWAY_URL##*:}.log"
  UP_LOG="$logdir/pair-upstream-${UPSTREAM_URL##*:}.log"
  # psql_q (helpers.bash) now reads the gateway's private database.
  export DATABASE_URL="$PG_URL_BASE/taguato"
}

# worker_of PID — the cluster worker of a primary (its only node child); empty when there is none.
worker_of() {
  pgrep -x node -P "$1" | head -1
}

# outage_cleanup — for teardown_file, safe after any failure: every load stopped, frozen processes
# thawed, the pair stopped, PostgreSQL and Redis stopped, the directory removed. Only our own pids.
outage_cleanup() {
  local st="$BATS_FILE_TMPDIR/outage.env" out_dir='' redis_pid='' pair_state='' pair_env='' f pid
  [ -f "$st" ] || return 0
  out_dir=$(sed -n 's/^OUT_DIR=//p' "$st" | tail -1)
  redis_pid=$(sed -n 's/^REDIS_PID=//p' "$st" | tail -1)
  pair_state=$(sed -n 's/^PAIR_STATE=//p' "$st" | tail -1)
  pair_env=$(sed -n 's/^PAIR_ENV=//p' "$st" | tail -1)
  for f in "$BATS_FILE_TMPDIR"/load-*/pid; do
    [ -e "$f" ] || continue
    : >"$(dirname "$f")/stop"
    kill "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$BATS_FILE_TMPDIR"/frozen-*.pid; do
    [ -e "$f" ] && kill -CONT "$(cat "$f")" 2>/dev/null
  done
  [ -n "$redis_pid" ] && kill -CONT "$redis_pid" 2>/dev/null
  stop_extra_gateways
  if [ -n "$pair_state" ] && [ -f "$pair_state" ]; then
    (cd "$REPO_ROOT" && TAGUATO_STACK_ENV_FILE=$pair_env timeout 60 node --import tsx scripts/pair-extra.ts stop "$pair_state") >/dev/null 2>&1 || true
  fi
  if [ -n "$out_dir" ] && [ -d "$out_dir" ]; then
    for f in "$out_dir"/data "$out_dir"/data2; do
      [ -f "$f/postmaster.pid" ] || continue
      PG_BIN=${PG_BIN:-$(_pg_bin_dir)}
      _pg pg_ctl -D "$f" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
      pid=$(head -1 "$f/postmaster.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    done
    [ -n "$redis_pid" ] && kill -9 "$redis_pid" 2>/dev/null
    rm -rf "$out_dir"
  fi
  return 0
}

# ---- background load -----------------------------------------------------------------------------

# load_number N — the recipient of the Nth send of the current load (distinct per load, never ending in
# 0000: the sandbox's "not on WhatsApp" numbers).
load_number() {
  printf '5959%d%07d\n' "$LOAD_PREFIX" "$1"
}

# _load_req KIND N — one request; appends its answer as one JSON line.
_load_req() {
  local kind=$1 n=$2 f t0 url out ra
  f=$(mktemp "$LOAD_DIR/inflight/r.XXXXXX")
  t0=$(date +%s.%N)
  # The request id names the request in the services' logs (D15: propagated).
  local rid="load-$LOAD_PREFIX-$kind-$n"
  local args=(-s -o "$f.b" -D "$f.h" -w '%{http_code} %{time_total}' --max-time 30 -H "X-Request-ID: $rid")
  case $kind in
    send)
      args+=(-X POST -H 'Content-Type: application/json' -H "apikey: $LOAD_TOKEN"
        --data-binary "{\"number\":\"$(load_number "$n")\",\"text\":\"outage load $n\"}")
      url="$GATEWAY_URL/message/sendText/$INST" ;;
    read)
      args+=(-H "apikey: $LOAD_TOKEN")
      url="$GATEWAY_URL/api/messages/log?limit=5" ;;
    login)
      args+=(-X POST -H 'Content-Type: application/json' --data-binary "$LOAD_LOGIN")
      url="$GATEWAY_URL/api/auth/login" ;;
  esac
  : >"$f.b"
  : >"$f.h"
  out=$(curl "${args[@]}" "$url" 2>/dev/null) || true
  [ -n "$out" ] || out='000 0'
  ra=$(tr -d '\r' <"$f.h" | awk 'tolower($0) ~ /^retry-after:/ { sub(/^[^:]*:[ \t]*/, ""); v = $0 } END { print v }')
  # The login's token is not kept (it is a secret); a send's key.id is (its log row is checked later).
  jq -nc --arg kind "$kind" --argjson n "$n" --arg rid "$rid" --arg t0 "$t0" --arg out "$out" --arg ra "$ra" --rawfile body "$f.b" '
    ($body | try fromjson catch null) as $j
    | {kind: $kind, n: $n, rid: $rid, t0: ($t0 | tonumber), code: ($out | split(" ")[0]), time: ($out | split(" ")[1] | tonumber),
       retry_after: $ra,
       id: (if $kind == "send" then ($j | try .key.id catch null) else null end),
       error: (if ($out | startswith("2")) then null else (($j | try .error catch null) // ($j | try .response.message catch null) // $body[0:300]) end)}' \
    >>"$LOAD_DIR/answers.jsonl" 2>/dev/null
  rm -f "$f" "$f.b" "$f.h"
}

_load_loop() {
  local i=0
  while [ ! -e "$LOAD_DIR/stop" ]; do
    i=$((i + 1))
    _load_req send "$i" &
    (( i % 3 != 2 )) && _load_req read "$i" &
    (( i % 3 == 0 )) && _load_req login "$i" &
    sleep 0.333
  done
  wait
}

# load_start NAME PREFIX_DIGIT — ~3 sends/s (token $T1, instance $INST), 2 GET /api/messages/log/s and
# 1 correct login/s (user $U2), each request started on time even while others hang. Sets LOAD_DIR.
load_start() {
  export LOAD_DIR="$BATS_FILE_TMPDIR/load-$1" LOAD_PREFIX=$2 LOAD_TOKEN=$T1
  export LOAD_LOGIN
  LOAD_LOGIN=$(jq -nc --arg u "$U2" --arg p "$PW" '{username:$u,password:$p}')
  mkdir -p "$LOAD_DIR/inflight"
  : >"$LOAD_DIR/answers.jsonl"
  # Without bats' descriptors (see _nofds), so a request still in flight after a failed test cannot hold
  # bats' output; 255 is bash's own (the script it reads).
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
    done
    _load_loop
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$LOAD_DIR/pid"
}

# load_wait_answers N — waits (up to 60 s) until the current load has N answers.
load_wait_answers() {
  for _ in $(seq 600); do
    [ "$(wc -l <"$LOAD_DIR/answers.jsonl")" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "load: fewer than $1 answers after 60 s" >&2
  return 1
}

# load_stop — no new requests; waits (up to 40 s) for those in flight to be answered or time out.
load_stop() {
  : >"$LOAD_DIR/stop"
  local pid
  pid=$(cat "$LOAD_DIR/pid")
  for _ in $(seq 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  for _ in $(seq 100); do
    [ -z "$(ls -A "$LOAD_DIR/inflight")" ] && break
    sleep 0.1
  done
}

# load_summary — one line per kind: "kind: total, code:count ..., max time".
load_summary() {
  jq -rs 'group_by(.kind)[] | "\(.[0].kind): \(length) answers, codes \(group_by(.code) | map("\(.[0].code)x\(length)") | join(" ")), max \(map(.time) | max)s"' \
    "$LOAD_DIR/answers.jsonl"
}

# load_violations FROM TO MAX_S CODES_RE [KINDS_RE] — see the header.
load_violations() {
  jq -c --argjson from "$1" --argjson to "$2" --argjson max "$3" --arg codes "$4" --arg kinds "${5:-.}" '
    select(.t0 >= $from and .t0 <= $to and (.kind | test($kinds)))
    | select((.code | test("^(" + $codes + ")$") | not)
             or (.code == "503" and .retry_after == "")
             or .time > $max
             or ((.error // "" | tostring) | test("ECONNREFUSED|127\\.0\\.0\\.1|localhost|\\.ts:[0-9]|\\.js:[0-9]|    at ")))' \
    "$LOAD_DIR/answers.jsonl" | jq -sc 'sort_by(-.time)[]'   # slowest first
}

# load_sent_ids — key.id of every send answered 201.
load_sent_ids() {
  jq -r 'select(.kind == "send" and .code == "201") | .id // "MISSING-KEY-ID"' "$LOAD_DIR/answers.jsonl"
}

# log_rows_violations ID... — "id: N rows" for each id that has not exactly one message_logs row.
log_rows_violations() {
  [ "$#" -gt 0 ] || return 0
  local list
  list=$(printf "'%s'," "$@")
  local counts
  counts=$(psql_q "select wa_message_id, count(*) from message_logs where wa_message_id in (${list%,}) group by 1")
  local id n
  for id in "$@"; do
    n=$(awk -F'|' -v id="$id" '$1 == id { print $2 }' <<<"$counts")
    [ "${n:-0}" = 1 ] || echo "$id: ${n:-0} rows"
  done
}

# wait_log_rows SECONDS ID... — polls until every id has one row; prints what is still wrong after that.
wait_log_rows() {
  local secs=$1 bad=''
  shift
  for _ in $(seq $((secs * 2))); do
    bad=$(log_rows_violations "$@" 2>/dev/null) && [ -z "$bad" ] && return 0
    sleep 0.5
  done
  printf '%s\n' "$bad"
}

now() { date +%s.%N; }
