#!/usr/bin/env bats
# 53-profile: Evolution's profile and privacy routes (/chat/fetchProfile, fetchBusinessProfile,
# updateProfileName, updateProfileStatus, updateProfilePicture, removeProfilePicture, fetchPrivacySettings,
# updatePrivacySettings) and /instance/setPresence through the gateway on the sandbox: Evolution's shapes and
# status codes, each update visible in the next fetch, another user 403, the grantee allowed, a picture URL to
# a loopback address refused with 400.

load helpers

PW='Passw0rd_Ok'
# A 1x1 PNG.
PNG='iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='
PRIVACY='{"readreceipts":"none","profile":"contacts","status":"contact_blacklist","online":"match_last_seen","last":"none","groupadd":"contacts"}'

setup_file() {
  sandbox_instance_setup prof
}

# prof METHOD ACTION BODY [TOKEN] — /chat/ACTION/$INST through the gateway.
prof() {
  api "$1" "/chat/$2/$INST" "$3" "${4:-$T1}"
}

@test "fetchProfile and fetchBusinessProfile: Evolution's shapes" {
  prof POST fetchProfile '{}'
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.numberExists, .status, .isBusiness, (.wuid | endswith("@s.whatsapp.net"))] | join("|")' <<<"$body")" 'true|Hey there! I am using WhatsApp.|false|true'
  prof POST fetchProfile '{"number":"595981000101"}'
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.wuid, .picture, .isBusiness] | join("|")' <<<"$body")" '595981000101@s.whatsapp.net|https://pps.whatsapp.net/sandbox/595981000101.jpg|false'
  prof POST fetchProfile '{"number":"595981110000"}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[{"jid":"595981110000@s.whatsapp.net","exists":false,"number":"595981110000"}]]'
  prof POST fetchBusinessProfile '{"number":"595981000109"}'
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.isBusiness, .wid, .category, .business_hours.timezone] | join("|")' <<<"$body")" 'true|595981000109@s.whatsapp.net|Shopping & retail|America/Asuncion'
  prof POST fetchBusinessProfile '{"number":"595981000101"}'
  assert_equal "$(jq -c . <<<"$body")" '{"isBusiness":false,"message":"Not is business profile","jid":"595981000101@s.whatsapp.net","exists":true,"number":"595981000101","name":null}'
}

@test "updateProfileName, updateProfileStatus: 200 {update:success}, visible in the next fetchProfile" {
  prof POST updateProfileName '{"name":"Shop"}'
  assert_equal "$code $(jq -c . <<<"$body")" '200 {"update":"success"}'
  prof POST updateProfileStatus '{"status":"Open 9-18"}'
  assert_equal "$code $(jq -c . <<<"$body")" '200 {"update":"success"}'
  prof POST fetchProfile '{}'
  assert_equal "$(jq -r '[.name, .status] | join("|")' <<<"$body")" 'Shop|Open 9-18'
  prof POST updateProfileName '{"name":""}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["The \"name\" cannot be empty"]]]'
}

@test "updateProfilePicture (base64), removeProfilePicture: visible in the next fetch; a loopback URL is refused" {
  prof POST updateProfilePicture "{\"picture\":\"$PNG\"}"
  assert_equal "$code $(jq -c . <<<"$body")" '200 {"update":"success"}'
  prof POST fetchProfile '{}'
  [[ "$(jbody .picture)" == https://pps.whatsapp.net/sandbox/*.jpg ]]
  prof DELETE removeProfilePicture '{}'
  assert_equal "$code $(jq -c . <<<"$body")" '200 {"update":"success"}'
  prof POST fetchProfile '{}'
  assert_equal "$(jbody .picture)" null
  prof POST updateProfilePicture '{"picture":"http://127.0.0.1:9/me.png"}'
  assert_equal "$code" 400
  assert_equal "$(jq -r '.response.message[0]' <<<"$body")" 'media URL refused: 127.0.0.1 is a loopback address'
  prof POST updateProfilePicture '{"picture":"not an image!"}'
  assert_equal "$(jq -c '[.status, .response.message[0]]' <<<"$body")" '[400,"Error updating profile picture"]'
  prof POST fetchProfile '{}'
  assert_equal "$(jbody .picture)" null
}

@test "privacy settings: 201 with the data, visible in the next fetch; setPresence 201" {
  prof GET fetchPrivacySettings ''
  assert_equal "$code" 200
  assert_equal "$(jq -c 'keys' <<<"$body")" '["groupadd","last","online","profile","readreceipts","status"]'
  prof POST updatePrivacySettings "$PRIVACY"
  assert_equal "$code $(jq -c . <<<"$body")" "201 {\"update\":\"success\",\"data\":$PRIVACY}"
  prof GET fetchPrivacySettings ''
  assert_equal "$(jq -cS . <<<"$body")" "$(jq -cS . <<<"$PRIVACY")"
  prof POST updatePrivacySettings '{"readreceipts":"all"}'
  assert_equal "$(jq -c '[.status, (.response.message[0] | length)]' <<<"$body")" '[400,5]'
  api POST "/instance/setPresence/$INST" '{"presence":"available"}' "$T1"
  assert_equal "$code $(jq -c . <<<"$body")" '201 {"presence":"available"}'
  api POST "/instance/setPresence/$INST" '{"presence":"away"}' "$T1"
  assert_equal "$code" 400
}

@test "another user 403, the grantee allowed" {
  prof POST fetchProfile '{}' "$T2"
  assert_equal "$code" 403
  prof POST updateProfileName '{"name":"Mine"}' "$T2"
  assert_equal "$code" 403
  prof GET fetchPrivacySettings '' "$T2"
  assert_equal "$code" 403
  prof DELETE removeProfilePicture '{}' "$T2"
  assert_equal "$code" 403
  api POST "/instance/setPresence/$INST" '{"presence":"available"}' "$T2"
  assert_equal "$code" 403
  prof POST updateProfileStatus '{"status":"By the grantee"}' "$T3"
  assert_equal "$code" 200
  prof POST fetchProfile '{}' "$T3"
  assert_equal "$(jbody .status)" 'By the grantee'
  prof GET fetchPrivacySettings '' "$T3"
  assert_equal "$code" 200
}
