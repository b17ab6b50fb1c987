#!/usr/bin/env bats
# 11-admin-users: /admin/users CRUD and reset-password (R4, docs/decisions.md#r4, R4/R4/R4 fixed,
# D18 (docs/decisions.md#d18) on delete), authorization, validation with the database left unchanged, session effects.

load helpers

PW='Passw0rd_Ok'

new_user() {
  local extra=${1:-'{}'}
  U_NAME=$(unique adm)
  U_ID=$(create_user "$U_NAME" "$PW" "$extra")
}

count_named() { psql_q "select count(*) from taguato.users where username = '$1'"; }

# ---- authorization ---------------------------------------------------------------------------------

@test "admin users: anonymous 401, bad token 401, non-admin 403 on every route" {
  new_user
  ut=$(login "$U_NAME" "$PW")
  routes=("GET /admin/users" "POST /admin/users" "GET /admin/users/$U_ID" "PUT /admin/users/$U_ID" "DELETE /admin/users/$U_ID" "POST /admin/users/$U_ID/reset-password")
  for r in "${routes[@]}"; do
    set -- $r
    api "$1" "$2" '{}'
    assert_equal "$code $(jbody .error)" "401 Missing apikey header"
    api "$1" "$2" '{}' "deadbeef"
    assert_equal "$code $(jbody .error)" "401 Invalid or expired session token"
    api "$1" "$2" '{"role":"admin"}' "$ut"
    assert_equal "$code $(jbody .error)" "403 Admin access required"
  done
  assert_equal "$(psql_q "select role from taguato.users where id=$U_ID")" user
}

# ---- create ----------------------------------------------------------------------------------------

@test "create: 201 with the reference's fields, argon2id hash, must_change_password, audit user_created" {
  name=$(unique new)
  api POST /admin/users "$(jq -nc --arg u "$name" '{username:$u,password:"Passw0rd_Ok",role:"admin",max_instances:"3",email:"\($u)@example.com",phone_number:"0981 123 456",rate_limit:7}')" "$(admin_token)"
  assert_equal "$code" 201
  assert_equal "$(jbody '.user | keys | join(",")')" "created_at,email,id,is_active,max_instances,must_change_password,phone_number,rate_limit,role,username"
  assert_equal "$(jbody '[.user.role, .user.max_instances, .user.rate_limit, .user.must_change_password, .user.is_active, .user.phone_number] | join(",")')" "admin,3,7,true,true,0981 123 456"
  id=$(jbody .user.id)
  assert_equal "$(psql_q "select left(password_hash, 10) from taguato.users where id=$id")" '$argon2id$'
  assert_equal "$(psql_q "select details->>'username' || '|' || (details->>'role') from taguato.audit_log where action='user_created' and resource_id='$id'")" "$name|admin"
  # Defaults and nulls.
  n2=$(unique new)
  api POST /admin/users "$(jq -nc --arg u "$n2" '{username:$u,password:"Passw0rd_Ok",email:""}')" "$(admin_token)"
  assert_equal "$code" 201
  assert_equal "$(jbody '[.user.role, .user.max_instances, .user.rate_limit, .user.email, .user.phone_number] | map(tostring) | join(",")')" "user,1,null,null,null"
}

@test "create: duplicate username and duplicate email are distinct 409s" {
  new_user "$(jq -nc --arg e "$(unique e)@example.com" '{email:$e}')"
  email=$(psql_q "select email from taguato.users where id=$U_ID")
  api POST /admin/users "$(jq -nc --arg u "$U_NAME" '{username:$u,password:"Passw0rd_Ok"}')" "$(admin_token)"
  assert_equal "$code $(jbody .error)" "409 Username already exists"
  n=$(unique dup)
  api POST /admin/users "$(jq -nc --arg u "$n" --arg e "$email" '{username:$u,password:"Passw0rd_Ok",email:$e}')" "$(admin_token)"
  assert_equal "$code $(jbody .error)" "409 Email already exists"
  assert_equal "$(count_named "$n")" 0
}

@test "create: bad input gives the reference's 400 and nothing is inserted" {
  n=$(unique bad)
  t=$(admin_token)
  check() {
    api POST /admin/users "$1" "$t"
    assert_equal "$code" 400
    assert_equal "$(jbody .error)" "$2"
  }
  check '[]' "Invalid JSON body"
  check '"x"' "Invalid JSON body"
  check '{"username":"x"' "Invalid JSON body"
  check "{\"username\":\"$n\"}" "username and password are required"
  check "{\"username\":\"ab\",\"password\":\"Passw0rd_Ok\"}" "Username must be between 3 and 50 characters"
  check "{\"username\":\"$(printf 'a%.0s' {1..51})\",\"password\":\"Passw0rd_Ok\"}" "Username must be between 3 and 50 characters"
  check "{\"username\":\"x'; drop table taguato.users; --\",\"password\":\"Passw0rd_Ok\"}" "Username must contain only letters, numbers and underscores"
  check '{"username":"ñandú_x","password":"Passw0rd_Ok"}' "Username must contain only letters, numbers and underscores"
  check "{\"username\":123,\"password\":\"Passw0rd_Ok\"}" "Username is required"
  check "{\"username\":\"$n\",\"password\":\"short\"}" "Password must be at least 8 characters"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"role\":\"root\"}" "role must be 'user' or 'admin'"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"max_instances\":0}" "max_instances must be a positive integer"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"max_instances\":1.5}" "max_instances must be a positive integer"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"max_instances\":\"abc\"}" "max_instances must be a positive integer"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"email\":\"nope\"}" "Invalid email format"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"phone_number\":\"+595-981\"}" "Phone number must contain only digits"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"rate_limit\":-1}" "rate_limit must be a non-negative integer or null"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"rate_limit\":\"lots\"}" "rate_limit must be a non-negative integer or null"
  check "{\"username\":\"$n\",\"password\":\"Passw0rd_Ok\",\"rate_limit\":99999999999}" "rate_limit must be a non-negative integer or null"
  assert_equal "$(count_named "$n")" 0
  assert_equal "$(psql_q "select count(*) from taguato.users where username like 'x''%'")" 0
}

# ---- list / get ------------------------------------------------------------------------------------

@test "list: pagination envelope, literal search (wildcards escaped), role and active filters" {
  tag=$(unique ls)
  for i in 1 2 3; do create_user "${tag}_u$i" "$PW" >/dev/null; done
  create_user "${tag}_a1" "$PW" '{"role":"admin"}' >/dev/null
  t=$(admin_token)
  api GET "/admin/users?search=$tag&limit=2&page=2" "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.total, .page, .limit, .pages, (.users | length)] | join(",")')" "4,2,2,2,2"
  assert_equal "$(jbody '.users[0] | has("password_hash") or has("api_token") or has("totp_secret")')" false
  api GET "/admin/users?search=${tag^^}&role=admin" "" "$t"
  assert_equal "$(jbody '[.total, .users[0].username] | join(",")')" "1,${tag}_a1"
  # `_` and `%` are literal characters, not wildcards.
  api GET "/admin/users?search=${tag}%25u" "" "$t"
  assert_equal "$(jbody .total)" 0
  api GET "/admin/users?search=${tag:0:3}_${tag:4}_u" "" "$t"
  assert_equal "$(jbody .total)" 0
  api PUT "/admin/users/$(psql_q "select id from taguato.users where username='${tag}_u1'")" '{"is_active":false}' "$t"
  api GET "/admin/users?search=$tag&active=false" "" "$t"
  assert_equal "$(jbody '[.total, .users[0].username] | join(",")')" "1,${tag}_u1"
  api GET "/admin/users?search=zz_no_such_user_$tag" "" "$t"
  assert_equal "$(jbody '[.total, .pages, (.users | type)] | join(",")')" "0,0,array"
  api GET "/admin/users?role=root" "" "$t"
  assert_equal "$code $(jbody .error)" "400 role must be 'user' or 'admin'"
  api GET "/admin/users?active=maybe" "" "$t"
  assert_equal "$code $(jbody .error)" "400 active must be true or false"
  api GET "/admin/users?search=a%00b" "" "$t"
  assert_equal "$code $(jbody .error)" "400 search must not contain NUL characters"
  api GET "/admin/users?search=%27%20or%201%3D1--&page=-1&limit=0" "" "$t"
  assert_equal "$(jbody '[.total, .page, .limit] | join(",")')" "0,1,1"
}

@test "get: the user with instances [] ; 404 User not found for missing and non-numeric ids" {
  new_user
  t=$(admin_token)
  api GET "/admin/users/$U_ID" "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody '.user.instances | type')" array
  assert_equal "$(jbody '.user | has("updated_at") and has("rate_limit") and (has("password_hash") | not)')" true
  psql_q "insert into taguato.user_instances (user_id, instance_name) values ($U_ID, '${U_NAME}_inst')"
  api GET "/admin/users/$U_ID" "" "$t"
  assert_equal "$(jbody '.user.instances[0].instance_name')" "${U_NAME}_inst"
  for id in 999999999 abc "1%20or%201=1"; do
    api GET "/admin/users/$id" "" "$t"
    assert_equal "$code $(jbody .error)" "404 User not found"
  done
}

# ---- update ----------------------------------------------------------------------------------------

@test "update: every field validated; 400s leave the row unchanged" {
  new_user
  t=$(admin_token)
  before=$(psql_q "select role, max_instances, rate_limit, is_active, email, password_hash from taguato.users where id=$U_ID")
  check() {
    api PUT "/admin/users/$U_ID" "$1" "$t"
    assert_equal "$code" 400
    assert_equal "$(jbody .error)" "$2"
  }
  check '[1]' "Invalid JSON body"
  check '{}' "No fields to update"
  check '{"unknown":1}' "No fields to update"
  check '{"regenerate_token":false}' "No fields to update"
  check '{"role":"superuser"}' "role must be 'user' or 'admin'"
  check '{"max_instances":"many"}' "max_instances must be an integer >= -1"
  check '{"max_instances":-2}' "max_instances must be an integer >= -1"
  check '{"rate_limit":2.5}' "rate_limit must be a non-negative integer or null"
  check '{"is_active":"false"}' "is_active must be a boolean"
  check '{"email":"bad@"}' "Invalid email format"
  check '{"phone_number":"12"}' "Phone number must be between 8 and 20 digits"
  check '{"password":"alllowercase1"}' "Password must contain at least one uppercase letter"
  check '{"unlock":"yes"}' "unlock must be a boolean"
  check '{"role":"admin","max_instances":"x"}' "max_instances must be an integer >= -1"
  assert_equal "$(psql_q "select role, max_instances, rate_limit, is_active, email, password_hash from taguato.users where id=$U_ID")" "$before"
}

@test "update: 200 with the new values; 404 only for a missing id; 409 for a taken email" {
  new_user
  other_email="$(unique o)@example.com"
  create_user "$(unique oth)" "$PW" "$(jq -nc --arg e "$other_email" '{email:$e}')" >/dev/null
  t=$(admin_token)
  api PUT "/admin/users/$U_ID" '{"role":"admin","max_instances":"4","rate_limit":null,"email":"","phone_number":"0981123456"}' "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.user.role, .user.max_instances, .user.rate_limit, .user.email, .user.phone_number] | map(tostring) | join(",")')" "admin,4,null,null,0981123456"
  api PUT "/admin/users/$U_ID" '{"max_instances":-1,"rate_limit":0}' "$t"
  assert_equal "$code $(jbody .user.max_instances) $(jbody .user.rate_limit)" "200 -1 0"
  api PUT "/admin/users/$U_ID" "$(jq -nc --arg e "$other_email" '{email:$e}')" "$t"
  assert_equal "$code $(jbody .error)" "409 Email already exists"
  api PUT /admin/users/999999999 '{"role":"user"}' "$t"
  assert_equal "$code $(jbody .error)" "404 User not found"
}

@test "update: a password is never audited; must_change_password forced; sessions revoked at once" {
  new_user
  ut=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$ut"
  assert_equal "$code" 200
  api PUT "/admin/users/$U_ID" '{"password":"Admin_Set_Pw9","role":"user"}' "$(admin_token)"
  assert_equal "$code" 200
  assert_equal "$(jbody .user.must_change_password)" true
  api GET /api/sessions "" "$ut"
  assert_equal "$code" 401
  login "$U_NAME" Admin_Set_Pw9 >/dev/null
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where action='user_updated' and resource_id='$U_ID' and details->>'password_changed' = 'true' and details->>'role' = 'user'")" 1
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where details::text like '%Admin_Set_Pw9%'")" 0
}

@test "update: deactivation and regenerate_token revoke sessions on the next request; role change applies at once" {
  new_user
  a=$(login "$U_NAME" "$PW")
  t=$(admin_token)
  api GET /admin/users "" "$a"
  assert_equal "$code" 403
  api PUT "/admin/users/$U_ID" '{"role":"admin"}' "$t"
  api GET /admin/users "" "$a"
  assert_equal "$code" 200
  api PUT "/admin/users/$U_ID" '{"role":"user"}' "$t"
  api GET /admin/users "" "$a"
  assert_equal "$code" 403
  api PUT "/admin/users/$U_ID" '{"regenerate_token":true}' "$t"
  api GET /api/sessions "" "$a"
  assert_equal "$code" 401
  b=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$b"
  assert_equal "$code" 200
  api PUT "/admin/users/$U_ID" '{"is_active":false}' "$t"
  api GET /api/sessions "" "$b"
  assert_equal "$code" 401
  api POST /api/auth/login "$(jq -nc --arg u "$U_NAME" --arg p "$PW" '{username:$u,password:$p}')"
  assert_equal "$code" 401
  api PUT "/admin/users/$U_ID" '{"is_active":true}' "$t"
  login "$U_NAME" "$PW" >/dev/null
}

@test "update: rate_limit changes apply on the next request" {
  new_user '{"rate_limit":100}'
  a=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$a"
  assert_equal "$(header X-RateLimit-Limit)" 100
  api PUT "/admin/users/$U_ID" '{"rate_limit":50}' "$(admin_token)"
  api GET /api/sessions "" "$a"
  assert_equal "$(header X-RateLimit-Limit)" 50
}

# ---- delete ----------------------------------------------------------------------------------------

@test "delete: 400 own account, 404 missing, 200 {deleted}; rows cascade; sessions refused at once; audit" {
  new_user
  ut=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$ut"
  t=$(admin_token)
  admin_id=$(psql_q "select id from taguato.users where username='$ADMIN_USERNAME'")
  api DELETE "/admin/users/$admin_id" "" "$t"
  assert_equal "$code $(jbody .error)" "400 Cannot delete your own account"
  api DELETE /admin/users/999999999 "" "$t"
  assert_equal "$code $(jbody .error)" "404 User not found"
  api DELETE "/admin/users/$U_ID" "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.deleted.id, .deleted.username] | join(",")')" "$U_ID,$U_NAME"
  api GET /api/sessions "" "$ut"
  assert_equal "$code" 401
  assert_equal "$(psql_q "select count(*) from taguato.users where id=$U_ID") $(psql_q "select count(*) from taguato.sessions where user_id=$U_ID")" "0 0"
  assert_equal "$(psql_q "select details->>'username' from taguato.audit_log where action='user_deleted' and resource_id='$U_ID'")" "$U_NAME"
  api DELETE "/admin/users/$U_ID" "" "$t"
  assert_equal "$code" 404
}

@test "delete: the user's WhatsApp instances are deleted upstream too (D18)" {
  new_user
  inst="${U_NAME//_/-}-wa"
  upstream_api POST /instance/create "$(jq -nc --arg n "$inst" '{instanceName:$n,integration:"WHATSAPP-BAILEYS"}')"
  [[ $code == 20* ]] || skip "upstream instance create answered $code"
  psql_q "insert into taguato.user_instances (user_id, instance_name) values ($U_ID, '$inst')"
  api DELETE "/admin/users/$U_ID" "" "$(admin_token)"
  assert_equal "$code" 200
  upstream_api GET /instance/fetchInstances
  assert_equal "$(jq --arg n "$inst" '[.[] | select(.name == $n)] | length' <<<"$body")" 0
  assert_equal "$(psql_q "select count(*) from taguato.user_instances where instance_name='$inst'")" 0
}

# ---- reset-password --------------------------------------------------------------------------------

@test "reset-password: 404, no email, SMTP not configured (reference messages)" {
  t=$(admin_token)
  api POST /admin/users/999999999/reset-password "" "$t"
  assert_equal "$code $(jbody .error)" "404 User not found"
  new_user
  api POST "/admin/users/$U_ID/reset-password" "" "$t"
  assert_equal "$code $(jbody .error)" "400 User has no email configured"
  api PUT "/admin/users/$U_ID" "$(jq -nc --arg e "$U_NAME@example.com" '{email:$e}')" "$t"
  api POST "/admin/users/$U_ID/reset-password" "" "$t"
  assert_equal "$code $(jbody .error)" "400 SMTP is not configured"
  assert_equal "$(psql_q "select count(*) from taguato.password_resets where user_id=$U_ID")" 0
}
