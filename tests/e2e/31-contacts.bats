#!/usr/bin/env bats
# 31-contacts: /api/contacts lists and items (R5 (docs/decisions.md#r5) with R5 fixed: validated names,
# all-or-nothing item adds), item pagination, CSV import with per-row rejections, CSV export quoting.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique ct1) U2=$(unique ct2)
  create_user "$U1" "$PW" >/dev/null
  create_user "$U2" "$PW" >/dev/null
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
}

new_list() {
  api POST /api/contacts "{\"name\":\"$1\"}" "$2"
  jbody .list.id
}

@test "lists: create, list with item_count, rename, delete; names validated" {
  api POST /api/contacts '{"name":"Clientes"}' "$T1"
  assert_equal "$code" 201
  id=$(jbody .list.id)
  assert_equal "$(jq -c '.list | keys' <<<"$body")" '["created_at","id","name","updated_at"]'
  api GET /api/contacts "" "$T1"
  assert_equal "$(jbody "[.lists[] | select(.id == $id)][0] | [.name, (.item_count|tostring)] | join(\"|\")")" 'Clientes|0'
  api PUT "/api/contacts/$id" '{"name":"VIP"}' "$T1"
  assert_equal "$code" 200
  assert_equal "$(jbody .list.name)" VIP
  api POST /api/contacts '{}' "$T1"
  assert_equal "$(jbody .error)" 'name is required'
  api POST /api/contacts 'bad' "$T1"
  assert_equal "$(jbody .error)" 'name is required'
  api POST /api/contacts '{"name":""}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'name must be at least 1 characters'
  api PUT "/api/contacts/$id" "{\"name\":\"$(printf 'x%.0s' {1..101})\"}" "$T1"
  assert_equal "$(jbody .error)" 'name must be at most 100 characters'
  api DELETE "/api/contacts/$id" "" "$T1"
  assert_equal "$(jq -c .deleted <<<"$body")" "{\"id\":$id,\"name\":\"VIP\"}"
  api GET "/api/contacts/$id" "" "$T1"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" 'List not found'
}

@test "items: add many at once, all or nothing; delete one; paginate" {
  id=$(new_list items "$T1")
  api POST "/api/contacts/$id/items" '{"items":[{"phone_number":"595981000001","label":"Ana"},{"phone_number":""},{"phone_number":"595981000002"}]}' "$T1"
  assert_equal "$code" 201
  assert_equal "$(jbody '.items | map(.phone_number + ":" + .label) | join(",")')" '595981000001:Ana,595981000002:'
  first=$(jbody '.items[0].id')
  api POST "/api/contacts/$id/items" '{"items":[{"phone_number":"595981000003"},{"phone_number":"+59598"}]}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Phone number must contain only digits (+59598)'
  api POST "/api/contacts/$id/items" '{"phone_number":"595981000004"}' "$T1"
  assert_equal "$code" 201
  api GET "/api/contacts/$id" "" "$T1"
  # 595981000003 was not stored: the batch with a bad phone stored nothing
  assert_equal "$(jbody '.list.items | map(.phone_number) | join(",")')" '595981000001,595981000002,595981000004'
  assert_equal "$(jbody '[.total, .page, .pages] | map(tostring) | join(",")')" '3,1,1'
  api GET "/api/contacts/$id?page=2&limit=2" "" "$T1"
  assert_equal "$(jbody '[.total, .page, .limit, .pages] | map(tostring) | join(",")')" '3,2,2,2'
  assert_equal "$(jbody '.list.items | map(.phone_number) | join(",")')" '595981000004'
  api DELETE "/api/contacts/$id/items/$first" "" "$T1"
  assert_equal "$(jq -c .deleted <<<"$body")" "{\"id\":$first}"
  api DELETE "/api/contacts/$id/items/$first" "" "$T1"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" 'Item not found'
  api POST "/api/contacts/$id/items" '{"items":[{"phone_number":"1234"}]}' "$T1"
  assert_equal "$(jbody .error)" 'Phone number must be between 8 and 20 digits (1234)'
}

@test "isolation: another user's list is 404 everywhere" {
  id=$(new_list private "$T1")
  api POST "/api/contacts/$id/items" '{"phone_number":"595981000001"}' "$T1"
  item=$(jbody '.items[0].id')
  for req in "GET /api/contacts/$id" "PUT /api/contacts/$id" "DELETE /api/contacts/$id" "POST /api/contacts/$id/items" \
             "DELETE /api/contacts/$id/items/$item" "POST /api/contacts/$id/import" "GET /api/contacts/$id/export"; do
    api ${req% *} ${req#* } '{"name":"x","phone_number":"595981000009"}' "$T2"
    assert_equal "$req $code" "$req 404"
  done
  api GET /api/contacts "" "$T2"
  assert_equal "$(jbody "[.lists[] | select(.id == $id)] | length")" 0
  api GET "/api/contacts/$id" "" "$T1"
  assert_equal "$(jbody '.list.items | length')" 1
}

@test "CSV import: text/csv body, accepted rows in one go, rejected rows with line numbers" {
  id=$(new_list imported "$T1")
  csv=$'phone_number,label\n595981000001,Ana\n+5959,Bad\n595981000002,"Doe, John"\n,empty\n595981000003,"=1+2"\n'
  code=$(curl -sS -o "$BATS_TEST_TMPDIR/out" -w '%{http_code}' -X POST -H "apikey: $T1" -H 'Content-Type: text/csv' \
    --data-binary "$csv" "$GATEWAY_URL/api/contacts/$id/import")
  body=$(cat "$BATS_TEST_TMPDIR/out")
  assert_equal "$code" 201
  assert_equal "$(jbody .accepted)" 3
  assert_equal "$(jq -c '.rejected' <<<"$body")" '[{"row":3,"phone_number":"+5959","error":"Phone number must be between 8 and 20 digits"},{"row":5,"phone_number":"","error":"Phone number is required"}]'
  api GET "/api/contacts/$id" "" "$T1"
  assert_equal "$(jbody '.list.items | map(.label) | join("|")')" 'Ana|Doe, John|=1+2'
  # JSON {csv} works too; a file with no valid row stores nothing
  api POST "/api/contacts/$id/import" '{"csv":"phone_number\n12\n"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'No valid rows to import'
  assert_equal "$(jbody '.rejected[0].row')" 2
  api POST "/api/contacts/$id/import" '{"csv":"name,label\nx,y\n"}' "$T1"
  assert_equal "$(jbody .error)" 'CSV header must include phone_number'
  api POST "/api/contacts/$id/import" '{"csv":"label,phone\nZoe,595981000004\n"}' "$T1"
  assert_equal "$code" 201
  assert_equal "$(jbody '.items[0].label')" Zoe
  api POST "/api/contacts/$id/import" '{}' "$T1"
  assert_equal "$(jbody .error)" 'csv is required'
}

@test "CSV export: RFC 4180 quoting and formula cells neutralised" {
  id=$(new_list exported "$T1")
  api POST "/api/contacts/$id/items" '{"items":[{"phone_number":"595981000001","label":"Doe, \"JJ\""},{"phone_number":"595981000002","label":"=HYPERLINK(1)"},{"phone_number":"595981000003","label":"@x"}]}' "$T1"
  api GET "/api/contacts/$id/export" "" "$T1"
  assert_equal "$code" 200
  [[ "$(header content-type)" == text/csv* ]]
  [[ "$(header content-disposition)" == *"contacts_$id.csv"* ]]
  expected=$'phone_number,label\n595981000001,"Doe, ""JJ"""\n595981000002,\'=HYPERLINK(1)\n595981000003,\'@x'
  assert_equal "$body" "$expected"
}
