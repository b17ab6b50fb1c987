#!/usr/bin/env bats
# 54-proxy-invite: per-instance proxies, the group picture and group invites through the gateway on the
# sandbox (docs/proxy.md, docs/groups.md). /proxy/set is the owner's or an admin's (a grantee may read it with
# /proxy/find), its host must pass the gateway's address check (127.0.0.1 is a 400 for a user too), and the
# password is never answered. updateGroupPicture takes base64. sendInvite is a send: one message_logs row per
# number, type `invite`, with the request's outcome.

load helpers

PW='Passw0rd_Ok'
PNG_B64='iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

setup_file() {
  sandbox_instance_setup pxy
}

# rows COLUMNS WHERE — message_logs rows of this file's instance, after the batch flush.
rows() {
  sleep 0.5
  psql_q "select $1 from message_logs where instance_name='$INST' and $2 order by phone_number"
}

@test "proxy/set and find by the owner: Evolution's answers without the password; grantee reads only; another user 403" {
  api POST "/proxy/set/$INST" '{"enabled":true,"host":"93.184.216.34","port":"3128","protocol":"http","username":"bob","password":"pw-s3cret"}' "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -c .proxy.proxy <<<"$body")" '{"enabled":true,"host":"93.184.216.34","port":"3128","protocol":"http","username":"bob"}'
  assert_equal "$(jbody .proxy.instanceName)" "$INST"
  api GET "/proxy/find/$INST" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.enabled, .host, .port, .protocol, .username, has("password")] | join("|")' <<<"$body")" 'true|93.184.216.34|3128|http|bob|false'
  [[ "$body" != *pw-s3cret* ]]
  # The grantee may use the instance, not reroute it.
  api GET "/proxy/find/$INST" "" "$T3"
  assert_equal "$code $(jbody .host)" '200 93.184.216.34'
  api POST "/proxy/set/$INST" '{"enabled":true,"host":"93.184.216.34","port":"8080","protocol":"http"}' "$T3"
  assert_equal "$code" 403
  api GET "/proxy/find/$INST" "" "$T2"
  assert_equal "$code" 403
  api POST "/proxy/set/$INST" '{"enabled":false}' "$T2"
  assert_equal "$code" 403
}

@test "a user's proxy/set to an internal host is a 400 before the upstream; bad fields are the upstream's 400; disabling stores it empty" {
  api POST "/proxy/set/$INST" '{"enabled":true,"host":"127.0.0.1","port":"3128","protocol":"http"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'host: webhook_url cannot point to localhost'
  api POST "/proxy/set/$INST" '{"enabled":true,"host":"10.1.2.3","port":"3128","protocol":"socks5"}' "$T1"
  assert_equal "$code" 400
  api POST "/proxy/set/$INST" '{"enabled":true,"host":"93.184.216.34","port":"3128","protocol":"ftp"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jq -c .response.message <<<"$body")" '[["protocol is not one of enum values: http,https,socks4,socks5"]]'
  api GET "/proxy/find/$INST" "" "$T1"
  assert_equal "$(jbody .host)" '93.184.216.34'
  api POST "/proxy/set/$INST" '{"enabled":false,"host":"","port":"","protocol":""}' "$T1"
  assert_equal "$code" 201
  api GET "/proxy/find/$INST" "" "$T1"
  assert_equal "$(jq -r '[.enabled, .host, .port, .protocol] | join("|")' <<<"$body")" 'false|||'
}

@test "updateGroupPicture with base64: 201 {update:success}, the picture URL changes; another user 403" {
  api POST "/group/create/$INST" '{"subject":"Pics","participants":["595981000101"]}' "$T1"
  assert_equal "$code" 201
  gid=$(jbody .id)
  echo "$gid" > "$BATS_FILE_TMPDIR/gid"
  api GET "/group/findGroupInfos/$INST?groupJid=$gid" "" "$T1"
  before=$(jbody .pictureUrl)
  api POST "/group/updateGroupPicture/$INST?groupJid=$gid" "{\"image\":\"$PNG_B64\"}" "$T1"
  assert_equal "$code $(jq -c . <<<"$body")" '201 {"update":"success"}'
  api GET "/group/findGroupInfos/$INST?groupJid=$gid" "" "$T1"
  [ "$(jbody .pictureUrl)" != "$before" ]
  api POST "/group/updateGroupPicture/$INST?groupJid=$gid" '{"image":"not base64!"}' "$T1"
  assert_equal "$code $(jq -c .response.message <<<"$body")" '400 ["Error update group picture","Owned media must be a url or base64"]'
  api POST "/group/updateGroupPicture/$INST?groupJid=$gid" "{\"image\":\"$PNG_B64\"}" "$T2"
  assert_equal "$code" 403
}

@test "sendInvite is a send: 200 {send, inviteUrl}, one message_logs row per number; a failure logs failed rows" {
  gid=$(cat "$BATS_FILE_TMPDIR/gid")
  base="5959813$(printf '%05d' $((RANDOM % 99999)))"
  n1="${base}1" n2="${base}2"
  api POST "/group/sendInvite/$INST" "{\"groupJid\":\"$gid\",\"description\":\"Join us\",\"numbers\":[\"$n1\",\"$n2\"]}" "$T1"
  assert_equal "$code $(jbody .send)" '200 true'
  [[ "$(jbody .inviteUrl)" == https://chat.whatsapp.com/* ]]
  assert_equal "$(rows "phone_number, user_id, message_type, status" "phone_number in ('$n1','$n2')" | tr '\n' ' ')" "$n1|$U1_ID|invite|sent $n2|$U1_ID|invite|sent "
  # A number not on WhatsApp (the sandbox: ending in 0000): Evolution's 404, nothing sent, the rows failed.
  bad="59598130000"
  api POST "/group/sendInvite/$INST" "{\"groupJid\":\"$gid\",\"description\":\"x\",\"numbers\":[\"$n1\",\"$bad\"]}" "$T1"
  assert_equal "$code $(jq -r '.response.message[0]' <<<"$body")" '404 No send invite'
  assert_equal "$(rows "status" "phone_number = '$bad'")" 'failed'
  api POST "/group/sendInvite/$INST" "{\"groupJid\":\"$gid\",\"description\":\"x\",\"numbers\":[\"$n1\"]}" "$T2"
  assert_equal "$code" 403
}

@test "sendInvite counts one request per number against the per-user limit: over it, 429 and nothing logged" {
  gid=$(cat "$BATS_FILE_TMPDIR/gid")
  api PUT "/admin/users/$U3_ID" '{"rate_limit":20}' "$(admin_token)"
  assert_equal "$code" 200
  base="5959814$(printf '%05d' $((RANDOM % 99999)))"
  numbers=$(jq -nc --arg b "$base" '[range(10; 40) | "\($b)\(.)"]')
  api POST "/group/sendInvite/$INST" "{\"groupJid\":\"$gid\",\"description\":\"x\",\"numbers\":$numbers}" "$T3"
  assert_equal "$code $(jbody .error)" '429 Rate limit exceeded'
  sleep 0.5
  assert_equal "$(psql_q "select count(*) from message_logs where instance_name='$INST' and phone_number like '${base}%'")" 0
  api PUT "/admin/users/$U3_ID" '{"rate_limit":null}' "$(admin_token)"
  assert_equal "$code" 200
}
