#!/usr/bin/env bats
# 21-proxy-ownership: the deny-by-default route table (D1, docs/decisions.md#d1) and the one ownership predicate (D2, docs/decisions.md#d2) on
# every route family, for owner / other user / grantee / admin / anonymous; path tricks (trailing
# slash, // , encoding, 4 segments, case, traversal); admin-only routes; native prefixes stay native.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique own) U2=$(unique oth) U3=$(unique grt)
  export U1_ID=$(create_user "$U1" "$PW") U2_ID=$(create_user "$U2" "$PW") U3_ID=$(create_user "$U3" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW") T3=$(login "$U3" "$PW") TA=$(admin_token)
  export I=$(unique pi)
  api POST /instance/create "{\"instanceName\":\"$I\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ]
  api POST "/admin/instances/$I/grant" "{\"user_id\":$U3_ID}" "$TA"
  [ "$code" = 201 ]
  # Connected, so sends answer 201: a closed instance answers 500, which the breaker counts.
  api GET "/instance/connect/$I" "" "$T1"
  upstream_api POST "/sandbox/instances/$I/scan"
  [ "$code" = 200 ]
}

# allowed METHOD PATH [BODY] TOKEN — the gateway let it through (the upstream answered, whatever it said).
allowed() {
  api "$1" "$2" "${3:-}" "$4"
  if [ "$code" = 401 ] || [ "$code" = 403 ] || [ "$code" = 000 ]; then
    echo "expected $1 $2 to pass the gateway, got $code $body" >&2
    return 1
  fi
}

# denied METHOD PATH [BODY] TOKEN MESSAGE — 403 with that message.
denied() {
  api "$1" "$2" "${3:-}" "$4"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" "$5"
}

ROUTES=(
  "GET|/instance/connect/%s|"
  "GET|/instance/connectionState/%s|"
  "POST|/instance/restart/%s|"
  "PUT|/instance/restart/%s|"
  "POST|/instance/setPresence/%s|{\"presence\":\"available\"}"
  "POST|/message/sendText/%s|{\"number\":\"595981000001\",\"text\":\"hi\"}"
  "POST|/message/sendMedia/%s|{\"number\":\"595981000001\",\"mediatype\":\"image\",\"media\":\"https://example.com/a.jpg\"}"
  "POST|/message/sendLocation/%s|{\"number\":\"595981000001\",\"latitude\":1,\"longitude\":2,\"name\":\"n\",\"address\":\"a\"}"
  "POST|/chat/whatsappNumbers/%s|{\"numbers\":[\"595981123456\"]}"
  "POST|/settings/set/%s|{\"rejectCall\":false,\"groupsIgnore\":false,\"alwaysOnline\":false,\"readMessages\":false,\"readStatus\":false,\"syncFullHistory\":false}"
  "GET|/settings/find/%s|"
  "GET|/webhook/find/%s|"
  "GET|/group/fetchAllGroups/%s?getParticipants=false|"
  "DELETE|/instance/logout/%s|"
)

@test "every route family: owner, grantee and admin pass; another user 403; anonymous 401" {
  for r in "${ROUTES[@]}"; do
    IFS='|' read -r m p b <<<"$r"
    path=$(printf "$p" "$I")
    allowed "$m" "$path" "$b" "$T1"
    allowed "$m" "$path" "$b" "$T3"
    allowed "$m" "$path" "$b" "$TA"
    denied "$m" "$path" "$b" "$T2" "You don't own this instance"
    api "$m" "$path" "$b"
    assert_equal "$code" 401
  done
  # The logout above really logs the instance out (a bodiless DELETE is forwarded): connect it again.
  api GET "/instance/connect/$I" "" "$T1"
  upstream_api POST "/sandbox/instances/$I/scan"
  assert_equal "$code" 200
}

@test "path variants are checked too: trailing slash, //, encoded name, upper-case family" {
  enc="%$(printf '%s' "${I:0:1}" | od -An -tx1 | tr -d ' \n')${I:1}"
  for path in "/instance/connectionState/$I/" "//instance//connectionState//$I" "/instance/connectionState/$enc" "/INSTANCE/CONNECTIONSTATE/$I"; do
    denied GET "$path" "" "$T2" "You don't own this instance"
    allowed GET "$path" "" "$T1"
  done
  allowed GET "/instance/connectionState/$enc/" "" "$T3"
}

@test "4-segment and unknown routes are admin-only (D1); admins reach the upstream" {
  denied GET "/instance/connectionState/$I/extra" "" "$T1" "Admin access required"
  denied POST "/message/sendText/$I/x" '{"number":"1","text":"x"}' "$T1" "Admin access required"
  denied GET "/foo/bar/$I" "" "$T1" "Admin access required"
  denied DELETE "/instance/connect/$I" "" "$T1" "Admin access required"
  allowed GET "/foo/bar/$I" "" "$TA"
  assert_equal "$code" 404
}

@test "/webhook/set is admin-only even on an owned instance (D3, docs/decisions.md#d3)" {
  body='{"webhook":{"enabled":true,"url":"https://example.com/h","events":["MESSAGES_UPSERT"]}}'
  denied POST "/webhook/set/$I" "$body" "$T1" "Admin access required"
  denied POST "/webhook/set/$I/" "$body" "$T3" "Admin access required"
  allowed POST "/webhook/set/$I" "$body" "$TA"
}

@test "/manager and /docs need an admin session; never anonymous" {
  for p in /manager /manager/ /docs /docs/index.html; do
    api GET "$p"
    assert_equal "$code" 401
    denied GET "$p" "" "$T1" "Admin access required"
    allowed GET "$p" "" "$TA"
  done
}

@test "traversal and encoded separators are refused with 400" {
  API_EXTRA_ARGS=(--path-as-is)
  # Dot segments are resolved by URL parsing before matching: the resolved path is what gets checked.
  for p in "/chat/../instance/connectionState/$I" "/message/sendText/%2e%2e/%2e%2e/instance/connectionState/$I"; do
    denied GET "$p" "" "$T2" "You don't own this instance"
  done
  for p in "/instance/connectionState/..%2F$I" "/instance/connectionState/a%2Fb" "/instance/connectionState/a%5Cb" "/instance/connectionState/a%00b" "/instance/connectionState/%zz"; do
    api GET "$p" "" "$T2"
    assert_equal "$code" 400
    assert_equal "$(jbody .error)" "Invalid path"
  done
  API_EXTRA_ARGS=()
}

@test "native prefixes are not proxied: /api, /admin, /health unknowns are 404/405 JSON, even anonymous" {
  api GET "/api/no-such-$(unique x)"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" "Not found"
  api GET "/admin/no-such-$(unique x)" "" "$TA"
  assert_equal "$code" 404
  api GET /health/no-such
  assert_equal "$code" 404
  api PATCH /admin/instances "" "$TA"
  assert_equal "$code" 405
  assert_equal "$(jbody .error)" "Method not allowed"
}

@test "proxied answers carry the gateway's headers and never the upstream key" {
  API_EXTRA_ARGS=(-H 'X-Request-ID: proxy-check-42' -H 'Origin: https://evil.example')
  api GET "/instance/connectionState/$I" "" "$T1"
  API_EXTRA_ARGS=()
  assert_equal "$code" 200
  assert_equal "$(header x-request-id)" proxy-check-42
  assert_equal "$(header x-frame-options)" DENY
  assert_equal "$(header x-content-type-options)" nosniff
  ! grep -qF "$AUTHENTICATION_API_KEY" <<<"$headers$body"
  api GET /instance/fetchInstances "" "$TA"
  ! grep -qF "$AUTHENTICATION_API_KEY" <<<"$headers$body"
}

@test "message sends (written straight to Node) carry the same gateway headers as other answers" {
  api GET "/instance/connectionState/$I" "" "$T1"
  rl=$(header x-ratelimit-limit)
  API_EXTRA_ARGS=(-H 'X-Request-ID: send-check-7')
  api POST "/message/sendText/$I" '{"number":"595981000777","text":"headers"}' "$T1"
  API_EXTRA_ARGS=()
  assert_equal "$code" 201
  assert_equal "$(header x-request-id)" send-check-7
  assert_equal "$(header x-frame-options)" DENY
  assert_equal "$(header x-content-type-options)" nosniff
  assert_equal "$(header x-xss-protection)" "1; mode=block"
  assert_equal "$(header referrer-policy)" strict-origin-when-cross-origin
  assert_equal "$(header strict-transport-security)" "max-age=31536000; includeSubDomains"
  assert_equal "$(header x-ratelimit-limit)" "$rl"
  [ -n "$(header content-type)" ]
  assert_equal "$(header content-length)" "$(printf '%s' "$body" | wc -c | tr -d ' ')"
  assert_equal "$(jbody '.key.id | type')" string
  ! grep -qF "$AUTHENTICATION_API_KEY" <<<"$headers$body"
}

@test "a revoked grant stops working at once, a new one at once too" {
  api DELETE "/admin/instances/$I/grant/$U3_ID" "" "$TA"
  assert_equal "$code" 200
  denied GET "/instance/connectionState/$I" "" "$T3" "You don't own this instance"
  api POST "/admin/instances/$I/grant" "{\"user_id\":$U3_ID}" "$TA"
  allowed GET "/instance/connectionState/$I" "" "$T3"
}
