# tests/e2e/helpers.bash — shared helpers for the bats e2e suite. Every .bats file starts with
# `load helpers`. The suite runs against a live stack started by `npm test` (scripts/test.ts), which
# exports: GATEWAY_URL, UPSTREAM_URL, ADMIN_USERNAME, ADMIN_PASSWORD, AUTHENTICATION_API_KEY,
# DATABASE_URL, REDIS_URL, REPO_ROOT, TAGUATO_STACK_ENV_FILE (for extra gateways).
#
# Rules for test authors:
#   - All files share ONE database: always create your own users/instances with `unique` names.
#   - `api` never fails the test by itself; assert on $code / $body / $headers afterwards.
#   - Do not call `api` through bats' `run` (it would run in a subshell and lose $code/$body).
#
# Quick reference:
#   api METHOD PATH [JSON_BODY] [TOKEN]   -> sets $code (HTTP status, 000 = no answer), $body, $headers
#   header NAME                           -> value of a response header from the last api call
#   jbody FILTER                          -> jq -r FILTER on $body
#   login USER PASS                       -> prints a session token (fails the test if login fails)
#   admin_token                           -> the admin's token (cached per file)
#   create_user NAME PASS [EXTRA_JSON]    -> creates a user as admin, prints its id
#   user_token NAME PASS                  -> same as login
#   unique PREFIX                         -> prints a collision-free name (PREFIX_xxxxxxxx)
#   psql_q "SQL"                          -> rows of a query on $DATABASE_URL, `a|b` per line
#                                            (search_path taguato,public)
#   upstream_api METHOD PATH [JSON]       -> like api, straight to the upstream with the global key
#   sandbox_instance_setup PREFIX [history] -> setup_file for a suite on one connected sandbox instance:
#                                            users U1..U3 (ids U1_ID..U3_ID, tokens T1..T3, password $PW),
#                                            U1's Baileys instance INST (scanned open), granted to U3;
#                                            `history`: filled with the sandbox history (3 chats x 20)
#   start_extra_gateway [VAR=VAL...]      -> boots another gateway on the same DB/Redis/upstream;
#                                            sets EXTRA_URL, EXTRA_PID, EXTRA_STATE (call it directly,
#                                            not in $(...), to keep those; $(...) gives the URL only)
#   stop_extra_gateway [STATE]            -> stops one (default: the last started)
#   stop_extra_gateways                   -> stops all started by this file (put it in teardown_file)

REPO_ROOT="${REPO_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
load "$REPO_ROOT/node_modules/bats-support/load"
load "$REPO_ROOT/node_modules/bats-assert/load"

: "${GATEWAY_URL:?GATEWAY_URL is not set: run the e2e suite through npm test (e.g. npm test -- --only bats)}"
ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"

# Extra curl arguments for the next api/upstream_api calls, e.g. API_EXTRA_ARGS=(-H 'X-Request-ID: abc').
# Reset it yourself after use; it is an array so header values may contain spaces.
API_EXTRA_ARGS=()

# _http METHOD URL BODY [curl args...] — the one place that talks HTTP. Sets code/body/headers.
# Bodies starting with @ are sent from that file (curl syntax); others are sent verbatim as JSON.
_http() {
  local method=$1 url=$2 data=$3
  shift 3
  # setup_file has no BATS_TEST_TMPDIR: its calls use the file's own folder, never a path shared by files.
  local dir=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:?no bats temporary folder}}
  local out="$dir/http-body" hdr="$dir/http-headers"
  local args=(-sS -X "$method" -o "$out" -D "$hdr" -w '%{http_code}' --max-time "${API_TIMEOUT:-30}" "$@")
  if [ -n "$data" ]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$data")
  fi
  : >"$out"
  : >"$hdr"
  # `|| true`: a refused connection must not abort the test here; it shows up as code 000.
  code=$(curl "${args[@]}" "${API_EXTRA_ARGS[@]}" "$url" 2>"$dir/http-err") || true
  code=${code:-000}
  body=$(cat "$out")
  headers=$(tr -d '\r' <"$hdr")
  return 0
}

# api METHOD PATH [JSON_BODY] [TOKEN] — a gateway request; TOKEN goes in the `apikey` header.
# PATH may also be a full URL (e.g. an extra gateway's: "$EXTRA_URL/health").
api() {
  local method=$1 path=$2 data=${3:-} token=${4:-}
  local url=$path
  [[ $path == http://* || $path == https://* ]] || url="$GATEWAY_URL$path"
  local auth=()
  [ -n "$token" ] && auth=(-H "apikey: $token")
  _http "$method" "$url" "$data" "${auth[@]}"
}

# upstream_api METHOD PATH [JSON] — the upstream directly with the global key (sandbox control routes).
upstream_api() {
  local method=$1 path=$2 data=${3:-}
  : "${UPSTREAM_URL:?UPSTREAM_URL is not set}"
  _http "$method" "$UPSTREAM_URL$path" "$data" -H "apikey: $AUTHENTICATION_API_KEY"
}

# header NAME — a header of the last response (case-insensitive name, last occurrence wins).
header() {
  printf '%s\n' "$headers" | awk -v n="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" '
    { i = index($0, ":"); if (i > 0 && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); last = v } }
    END { if (last != "") print last }'
}

# jbody FILTER — jq -r FILTER applied to the last response body.
jbody() {
  jq -r "$1" <<<"$body"
}

# login USER PASS — prints the session token; fails the test with the response when login fails.
login() {
  api POST /api/auth/login "$(jq -nc --arg u "$1" --arg p "$2" '{username:$u,password:$p}')"
  local token
  token=$(jq -r '.token // empty' <<<"$body" 2>/dev/null || true)
  if [ "$code" != 200 ] || [ -z "$token" ]; then
    echo "login as $1 failed: HTTP $code $body" >&2
    return 1
  fi
  printf '%s\n' "$token"
}

user_token() {
  login "$1" "$2"
}

# admin_token — logs in as the seeded admin once per file and caches the token.
admin_token() {
  local cache="$BATS_FILE_TMPDIR/admin_token"
  if [ ! -s "$cache" ]; then
    login "$ADMIN_USERNAME" "$ADMIN_PASSWORD" >"$cache" || { rm -f "$cache"; return 1; }
  fi
  cat "$cache"
}

# create_user NAME PASS [EXTRA_JSON] — POST /admin/users as admin; prints the new id.
# EXTRA_JSON is merged into the body, e.g. '{"role":"admin","max_instances":3}'.
create_user() {
  local extra=${3:-'{}'} token payload
  token=$(admin_token)
  payload=$(jq -nc --arg u "$1" --arg p "$2" --argjson x "$extra" '{username:$u,password:$p} + $x')
  api POST /admin/users "$payload" "$token"
  if [ "$code" != 201 ]; then
    echo "create_user $1 failed: HTTP $code $body" >&2
    return 1
  fi
  jq -r '.user.id' <<<"$body"
}

# unique PREFIX — PREFIX_ + 8 random hex chars, within the 50-char username rule ([A-Za-z0-9_]).
unique() {
  local prefix=${1:-t}
  printf '%s_%s\n' "${prefix:0:40}" "$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
}

# psql_q "SQL" — runs one statement on the stack's database; prints rows as `a|b`, no header.
# search_path is taguato,public so tables need no schema prefix. Uses psql when installed, else a
# small Node client with the same output format.
psql_q() {
  if command -v psql >/dev/null 2>&1; then
    PGOPTIONS='-c search_path=taguato,public' psql "$DATABASE_URL" -X -v ON_ERROR_STOP=1 -Atq -c "$1"
  else
    (cd "$REPO_ROOT" && node --import tsx scripts/sql.ts "$1")
  fi
}

# _setup_step CODE WHAT — for sandbox_instance_setup: fails, saying what, unless the last call answered CODE.
_setup_step() {
  [ "$code" = "$1" ] || { echo "sandbox_instance_setup: $2 answered HTTP $code $body" >&2; return 1; }
}

# sandbox_instance_setup PREFIX [history] — for setup_file: exports users U1=$(unique PREFIX), U2 (PREFIX2),
# U3 (PREFIX3) with ids U1_ID..U3_ID and tokens T1..T3 (password $PW, default Passw0rd_Ok), and
# INST=$(unique PREFIXi): U1's WHATSAPP-BAILEYS instance, granted to U3 (a grantee sees what the owner
# sees), connected through the gateway and opened by a sandbox scan. With `history`, the sandbox history
# route fills it: 3 chats x 20 messages with media, alternately received and sent, one minute apart from
# 1700000000. Fails (return 1) if a step does.
sandbox_instance_setup() {
  local prefix=$1 history=${2:-} pw=${PW:-Passw0rd_Ok}
  export U1 U2 U3 U1_ID U2_ID U3_ID T1 T2 T3 INST
  U1=$(unique "$prefix") U2=$(unique "${prefix}2") U3=$(unique "${prefix}3")
  U1_ID=$(create_user "$U1" "$pw") && U2_ID=$(create_user "$U2" "$pw") && U3_ID=$(create_user "$U3" "$pw") || return 1
  T1=$(login "$U1" "$pw") && T2=$(login "$U2" "$pw") && T3=$(login "$U3" "$pw") || return 1
  INST=$(unique "${prefix}i")
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  _setup_step 201 'instance create' || return 1
  api POST "/admin/instances/$INST/grant" "{\"user_id\":$U3_ID}" "$(admin_token)"
  _setup_step 201 'grant' || return 1
  api GET "/instance/connect/$INST" "" "$T1"
  upstream_api POST "/sandbox/instances/$INST/scan"
  _setup_step 200 'sandbox scan' || return 1
  if [ "$history" = history ]; then
    upstream_api POST "/sandbox/instances/$INST/history" '{"chats":3,"messagesPerChat":20,"withMedia":true}'
    _setup_step 200 'sandbox history' || return 1
  fi
  return 0
}

# start_extra_gateway [VAR=VAL...] — one more gateway process against the same DB, Redis and upstream,
# on a free port, with these variables overridden (e.g. BREAKER_THRESHOLD=2 WORKERS_ENABLED=false).
start_extra_gateway() {
  : "${TAGUATO_STACK_ENV_FILE:?TAGUATO_STACK_ENV_FILE is not set: run through npm test}"
  mkdir -p "$BATS_FILE_TMPDIR/extra-gateways"
  EXTRA_STATE=$(mktemp "$BATS_FILE_TMPDIR/extra-gateways/gw.XXXXXX")
  EXTRA_URL=$(cd "$REPO_ROOT" && node --import tsx scripts/gateway-extra.ts start "$EXTRA_STATE" "$@") || {
    echo "start_extra_gateway $* failed" >&2
    return 1
  }
  EXTRA_PID=$(sed -n "s/^PID='\(.*\)'$/\1/p" "$EXTRA_STATE")
  printf '%s\n' "$EXTRA_URL"
}

# stop_extra_gateway [STATE] — SIGTERM (then SIGKILL) one extra gateway; default: the last started.
stop_extra_gateway() {
  local state=${1:-${EXTRA_STATE:-}}
  [ -n "$state" ] || return 0
  (cd "$REPO_ROOT" && node --import tsx scripts/gateway-extra.ts stop "$state")
}

# stop_extra_gateways — every extra gateway this file started (safe to call when there are none).
stop_extra_gateways() {
  local f
  for f in "$BATS_FILE_TMPDIR"/extra-gateways/gw.*; do
    [ -e "$f" ] && stop_extra_gateway "$f"
  done
  return 0
}
