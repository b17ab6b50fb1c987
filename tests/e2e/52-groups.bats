#!/usr/bin/env bats
# 52-groups: Evolution's /group routes through the gateway on the sandbox: create, findGroupInfos,
# fetchAllGroups, participants, updateParticipant, subject / description / settings / ephemeral, invites,
# leaveGroup, and sendText to the group with mentions. The owner gets Evolution's shapes, the grantee the
# same, another user 403, a bad body or query is Evolution's flat [{property, message}] 400. Participant
# changes reach a user's webhook as GROUP_PARTICIPANTS_UPDATE (delivered by an extra gateway allowed to reach
# the local receiver); a send to a group is logged with the group as recipient; a bulk send goes to two groups.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup grp
  export RECV_OUT="$BATS_FILE_TMPDIR/recv.jsonl" RECV_PORT_FILE="$BATS_FILE_TMPDIR/recv.port"
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/webhook-receiver.ts "$RECV_OUT" "$RECV_PORT_FILE") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/recv.pid"
  for _ in $(seq 100); do [ -s "$RECV_PORT_FILE" ] && break; sleep 0.1; done
  export RECV_PORT=$(cat "$RECV_PORT_FILE")
  export GW2=$(start_extra_gateway "WEBHOOK_ALLOWED_HOSTS=127.0.0.1:$RECV_PORT" WORKERS_ENABLED=false)
}

teardown_file() {
  [ -f "$BATS_FILE_TMPDIR/recv.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/recv.pid")" 2>/dev/null
  stop_extra_gateways
  return 0
}

# new_group SUBJECT — creates a group with two members through the gateway; prints its JID.
new_group() {
  grp POST create "{\"subject\":\"$1\",\"participants\":[\"595981000201\",\"595981000202\"]}"
  [ "$code" = 201 ] || { echo "group create: $code $body" >&2; return 1; }
  jbody .id
}

# grp METHOD ROUTE[?query] BODY [TOKEN] — /group/ROUTE/$INST through the gateway.
grp() {
  local route=${2%%\?*} q=''
  [[ "$2" == *\?* ]] && q="?${2#*\?}"
  api "$1" "/group/$route/$INST$q" "$3" "${4:-$T1}"
}

@test "create, findGroupInfos, fetchAllGroups, participants: Evolution's shapes" {
  grp POST create '{"subject":"Team","participants":["595981000101","595981000102","595981110000"],"description":"About"}'
  assert_equal "$code" 201
  gid=$(jbody .id)
  echo "$gid" > "$BATS_FILE_TMPDIR/gid"
  assert_equal "$(jq -r '[.subject, .desc, .size, .participants[0].admin] | join("|")' <<<"$body")" 'Team|About|3|superadmin'
  grp GET "findGroupInfos?groupJid=$gid" ''
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.id, .subject, (.participants | length)] | join("|")' <<<"$body")" "$gid|Team|3"
  grp GET "fetchAllGroups?getParticipants=false" ''
  assert_equal "$code" 200
  assert_equal "$(jq -r "[.[] | select(.id == \"$gid\")] | length" <<<"$body")" 1
  assert_equal "$(jq -r '.[0].participants' <<<"$body")" null
  grp GET "participants?groupJid=${gid%@g.us}" ''
  assert_equal "$(jq -r '.participants | length' <<<"$body")" 3
}

@test "updateParticipant, subject, description, setting, ephemeral; sendText with mentions" {
  gid=$(cat "$BATS_FILE_TMPDIR/gid")
  grp POST "updateParticipant?groupJid=$gid" '{"action":"add","participants":["595981000103","595981000101"]}'
  assert_equal "$code" 201
  assert_equal "$(jq -c '[.updateParticipants[].status]' <<<"$body")" '["200","409"]'
  grp POST "updateGroupSubject?groupJid=$gid" '{"subject":"Team 2"}'
  assert_equal "$code $(jq -c . <<<"$body")" '201 {"update":"success"}'
  grp POST "updateGroupDescription?groupJid=$gid" '{"description":"New"}'
  assert_equal "$code" 201
  grp POST "updateSetting?groupJid=$gid" '{"action":"announcement"}'
  assert_equal "$code $(jq -c . <<<"$body")" '201 {}'
  grp POST "toggleEphemeral?groupJid=$gid" '{"expiration":604800}'
  assert_equal "$(jq -c . <<<"$body")" '{"success":true}'
  grp GET "findGroupInfos?groupJid=$gid" ''
  assert_equal "$(jq -r '[.subject, .desc, .announce, .size] | join("|")' <<<"$body")" 'Team 2|New|true|4'
  api POST "/message/sendText/$INST" "{\"number\":\"$gid\",\"text\":\"hello all\",\"mentionsEveryOne\":true}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -r '.message.extendedTextMessage.contextInfo.mentionedJid | length' <<<"$body")" 4
}

@test "invites and leaveGroup" {
  gid=$(cat "$BATS_FILE_TMPDIR/gid")
  grp GET "inviteCode?groupJid=$gid" ''
  assert_equal "$code" 200
  c=$(jbody .inviteCode)
  assert_equal "$(jbody .inviteUrl)" "https://chat.whatsapp.com/$c"
  grp POST "revokeInviteCode?groupJid=$gid" ''
  assert_equal "$code $(jbody .revoked)" '201 true'
  grp GET "inviteInfo?inviteCode=$(jbody .inviteCode)" ''
  assert_equal "$(jbody .id)" "$gid"
  grp GET "acceptInviteCode?inviteCode=F1EX5QZxO181L3TMVP31gY" ''
  assert_equal "$code $(jbody .accepted)" '200 true'
  grp DELETE "leaveGroup?groupJid=$gid" ''
  assert_equal "$code $(jq -c . <<<"$body")" "200 {\"groupJid\":\"$gid\",\"leave\":true}"
  grp GET "findGroupInfos?groupJid=$gid" ''
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[404,["Error fetching group","Error: item-not-found"]]'
}

@test "another user 403; bad input is Evolution's flat 400" {
  grp GET "fetchAllGroups?getParticipants=true" '' "$T2"
  assert_equal "$code" 403
  grp POST create '{"subject":"x","participants":["595981000101"]}' "$T2"
  assert_equal "$code" 403
  grp POST create '{"participants":["595981000101"]}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[{"property":"instance","message":"instance requires property \"subject\""}]]'
  grp POST "updateParticipant?groupJid=120363000000000009" '{"action":"kick","participants":["595981000101"]}'
  assert_equal "$(jq -c '.response.message' <<<"$body")" '[{"property":"action","message":"action is not one of enum values: add,remove,promote,demote"}]'
  grp GET "fetchAllGroups" ''
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,["The getParticipants needs to be informed in the query"]]'
  grp GET "findGroupInfos?groupJid=abc" ''
  assert_equal "$(jq -c '.response.message[0].property' <<<"$body")" '"groupJid"'
}

@test "the grantee manages the owner's groups like the owner" {
  grp POST create '{"subject":"Granted","participants":["595981000101"]}' "$T3"
  assert_equal "$code" 201
  gid=$(jbody .id)
  grp GET "fetchAllGroups?getParticipants=true" '' "$T3"
  assert_equal "$(jq -r "[.[] | select(.id == \"$gid\")] | length" <<<"$body")" 1
  grp POST "updateGroupSubject?groupJid=$gid" '{"subject":"Granted 2"}' "$T3"
  assert_equal "$code" 201
  grp DELETE "leaveGroup?groupJid=$gid" '' "$T3"
  assert_equal "$code" 200
}

@test "participants add/remove: reflected in participants and delivered as GROUP_PARTICIPANTS_UPDATE" {
  api POST "$GW2/api/webhooks" "$(jq -nc --arg i "$INST" --arg u "http://127.0.0.1:$RECV_PORT/g" '{instance_name:$i,webhook_url:$u,events:["GROUP_PARTICIPANTS_UPDATE"]}')" "$T1"
  assert_equal "$code" 201
  hook=$(jbody .webhook.id)
  gid=$(new_group Members)
  : >"$RECV_OUT"
  grp POST "updateParticipant?groupJid=$gid" '{"action":"add","participants":["595981000203"]}'
  assert_equal "$code" 201
  grp GET "participants?groupJid=$gid" ''
  assert_equal "$(jq -r '[.participants[].id] | map(select(startswith("595981000203"))) | length' <<<"$body")" 1
  grp POST "updateParticipant?groupJid=$gid" '{"action":"remove","participants":["595981000201"]}'
  assert_equal "$code" 201
  grp GET "participants?groupJid=$gid" ''
  assert_equal "$(jq -r '[.participants[].id] | map(select(startswith("595981000201"))) | length' <<<"$body")" 0
  assert_equal "$(jq -r '.participants | length' <<<"$body")" 3
  for _ in $(seq 100); do [ "$(grep -c . "$RECV_OUT")" -ge 2 ] && break; sleep 0.1; done
  events=$(jq -sc --arg g "$gid" '[.[].body | fromjson | select(.event == "group-participants.update" and .data.id == $g) | .data.action]' "$RECV_OUT")
  assert_equal "$events" '["add","remove"]'
  api DELETE "/api/webhooks/$hook" "" "$T1"
}

@test "a send to a group is logged with the group as recipient; a bulk send reaches two groups" {
  g1=$(new_group "Bulk one") g2=$(new_group "Bulk two")
  api POST "/message/sendText/$INST" "{\"number\":\"$g1\",\"text\":\"to the group\"}" "$T1"
  assert_equal "$code" 201
  key=$(jbody .key.id)
  assert_equal "$(jbody .key.remoteJid)" "$g1"
  for _ in $(seq 50); do [ -n "$(psql_q "select 1 from message_logs where wa_message_id='$key'")" ] && break; sleep 0.1; done
  assert_equal "$(psql_q "select phone_number from message_logs where wa_message_id='$key'")" "$g1"
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[\"$g1\",\"$g2\"],\"message_content\":\"to both groups\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  id=$(jbody .message.id)
  for _ in $(seq 150); do
    api GET "/api/scheduled/$id" "" "$T1"
    [[ "$(jbody .message.status)" =~ ^(completed|failed)$ ]] && break
    sleep 0.2
  done
  assert_equal "$(jq -c '.message.results | [.total, .sent, .failed]' <<<"$body")" '[2,2,0]'
  upstream_api GET "/sandbox/messages?instance=$INST"
  assert_equal "$(jq -c --arg a "$g1" --arg b "$g2" '[.messages[] | select(.payload.text == "to both groups" or .payload.message.conversation == "to both groups") | .remote_jid] | sort' <<<"$body")" "$(jq -nc --arg a "$g1" --arg b "$g2" '[$a, $b] | sort')"
  assert_equal "$(psql_q "select count(*) from message_logs where scheduled_message_id=$id and phone_number like '%@g.us'")" 2
}
