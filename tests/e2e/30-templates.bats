#!/usr/bin/env bats
# 30-templates: /api/templates CRUD (R5, docs/decisions.md#r5): shapes, pagination and clamping, per-user
# isolation, the reference's 400 messages, and validation on update (no empty name/content).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique tpl1) U2=$(unique tpl2)
  create_user "$U1" "$PW" >/dev/null
  create_user "$U2" "$PW" >/dev/null
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
}

@test "create, read back in the list, update, delete" {
  api POST /api/templates '{"name":"Hola","content":"Hola *mundo*"}' "$T1"
  assert_equal "$code" 201
  id=$(jbody .template.id)
  assert_equal "$(jbody '.template | [.name, .content] | join("|")')" 'Hola|Hola *mundo*'
  [[ "$(jbody .template.created_at)" =~ ^[0-9-]{10}T[0-9:.]+Z$ ]]
  api GET /api/templates "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jbody '.templates[0].id')" "$id"
  assert_equal "$(jbody '[.total, .page, .limit, .pages] | map(tostring) | join(",")')" '1,1,50,1'
  api PUT "/api/templates/$id" '{"content":"Chau"}' "$T1"
  assert_equal "$code" 200
  assert_equal "$(jbody '.template | [.name, .content] | join("|")')" 'Hola|Chau'
  api DELETE "/api/templates/$id" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c .deleted <<<"$body")" "{\"id\":$id,\"name\":\"Hola\"}"
  api DELETE "/api/templates/$id" "" "$T1"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" 'Template not found'
}

@test "pagination: page/limit envelope, clamping of bad values" {
  for i in 1 2 3; do api POST /api/templates "{\"name\":\"p$i\",\"content\":\"c$i\"}" "$T2"; done
  api GET '/api/templates?page=2&limit=2' "" "$T2"
  assert_equal "$(jbody '[.total, .page, .limit, .pages, (.templates|length)] | map(tostring) | join(",")')" '3,2,2,2,1'
  api GET '/api/templates?page=-4&limit=0' "" "$T2"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.page, .limit] | map(tostring) | join(",")')" '1,1'
  api GET '/api/templates?limit=1000&page=abc' "" "$T2"
  assert_equal "$(jbody '[.page, .limit] | map(tostring) | join(",")')" '1,100'
}

@test "isolation: another user's template is 404 on update and delete, absent from lists" {
  api POST /api/templates '{"name":"mine","content":"x"}' "$T1"
  id=$(jbody .template.id)
  api PUT "/api/templates/$id" '{"name":"stolen"}' "$T2"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" 'Template not found'
  api DELETE "/api/templates/$id" "" "$T2"
  assert_equal "$code" 404
  api GET '/api/templates?limit=100' "" "$T2"
  assert_equal "$(jbody "[.templates[] | select(.id == $id)] | length")" 0
  api GET /api/templates "" ""
  assert_equal "$code" 401
}

@test "create: the reference's 400 messages" {
  api POST /api/templates 'nope' "$T1"
  assert_equal "$(jbody .error)" 'Invalid JSON body'
  api POST /api/templates '{"name":"x"}' "$T1"
  assert_equal "$(jbody .error)" 'name and content are required'
  api POST /api/templates '{"name":"","content":"x"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'name must be at least 1 characters'
  api POST /api/templates "{\"name\":\"$(printf 'n%.0s' {1..101})\",\"content\":\"x\"}" "$T1"
  assert_equal "$(jbody .error)" 'name must be at most 100 characters'
  api POST /api/templates '{"name":5,"content":"x"}' "$T1"
  assert_equal "$(jbody .error)" 'name is required'
  api POST /api/templates "{\"name\":\"x\",\"content\":\"$(printf 'c%.0s' {1..5001})\"}" "$T1"
  assert_equal "$(jbody .error)" 'content must be at most 5000 characters'
}

@test "update validates like create; no fields, bad ids" {
  api POST /api/templates '{"name":"v","content":"v"}' "$T1"
  id=$(jbody .template.id)
  api PUT "/api/templates/$id" '{"name":""}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'name must be at least 1 characters'
  api PUT "/api/templates/$id" '{"content":""}' "$T1"
  assert_equal "$(jbody .error)" 'content must be at least 1 characters'
  api PUT "/api/templates/$id" '{}' "$T1"
  assert_equal "$(jbody .error)" 'No fields to update'
  api PUT "/api/templates/$id" 'x' "$T1"
  assert_equal "$(jbody .error)" 'Invalid JSON body'
  api PUT /api/templates/abc '{"name":"x"}' "$T1"
  assert_equal "$code" 404
  api GET "/api/templates" "" "$T1"
  assert_equal "$(jbody "[.templates[] | select(.id == $id)][0].name")" 'v'
}
