#!/usr/bin/env bats
# 52-groups: Evolution's /group routes through the gateway on the sandbox: create, findGroupInfos,
# fetchAllGroups, participants, updateParticipant, subject / description / settings / ephemeral, invites,
# leaveGroup, and sendText to the group with mentions. The owner gets Evolution's shapes, another user 403,
# a bad body or query is Evolution's flat [{property, message}] 400.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup grp
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
