#!/usr/bin/env bats
# 20-instances: POST /instance/create, DELETE /instance/delete, GET /instance/fetchInstances,
# connectionState through the proxy (R6, docs/decisions.md#r6, R6, D2 (docs/decisions.md#d2), D14 (docs/decisions.md#d14), D18 (docs/decisions.md#d18)).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique inst1) U2=$(unique inst2)
  export U1_ID=$(create_user "$U1" "$PW" '{"max_instances":2}')
  export U2_ID=$(create_user "$U2" "$PW" '{"max_instances":5}')
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
}

# create NAME TOKEN — POST /instance/create with the v2 body.
create() { api POST /instance/create "$(jq -nc --arg n "$1" '{instanceName:$n,integration:"WHATSAPP-BAILEYS"}')" "$2"; }

@test "create: 201 with the upstream body, an ownership row, and the instance upstream" {
  name=$(unique i)
  create "$name" "$T2"
  assert_equal "$code" 201
  assert_equal "$(jbody .instance.instanceName)" "$name"
  [ -n "$(jbody .hash)" ]
  assert_equal "$(psql_q "select user_id, channel_type from user_instances where instance_name='$name'")" "$U2_ID|whatsapp"
  upstream_api GET "/instance/connectionState/$name"
  assert_equal "$code" 200
}

@test "create: name validation 400s with the reference's messages" {
  api POST /instance/create '{}' "$T2"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "instanceName is required"
  api POST /instance/create 'not json' "$T2"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "instanceName is required"
  api POST /instance/create '{"instanceName":""}' "$T2"
  assert_equal "$(jbody .error)" "Instance name must be between 1 and 100 characters"
  api POST /instance/create '{"instanceName":"-bad"}' "$T2"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "Instance name must start with a letter or number and contain only letters, numbers, underscores and hyphens"
  api POST /instance/create '{"instanceName":"has space"}' "$T2"
  assert_equal "$code" 400
  api POST /instance/create "{\"instanceName\":\"$(printf 'a%.0s' {1..101})\"}" "$T2"
  assert_equal "$(jbody .error)" "Instance name must be between 1 and 100 characters"
  api POST /instance/create '{"instanceName":42}' "$T2"
  assert_equal "$(jbody .error)" "Instance name is required"
}

@test "create: Telegram is refused with 400 and nothing is stored" {
  name=$(unique tg)
  api POST /instance/create "{\"instanceName\":\"$name\",\"integration\":\"TELEGRAM\",\"token\":\"123456:abcdefghij\"}" "$T2"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "Telegram instances are not supported"
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name='$name'")" 0
}

@test "create: a taken name is 409 for anyone, the owner included" {
  name=$(unique dup)
  create "$name" "$T2"
  assert_equal "$code" 201
  create "$name" "$T1"
  assert_equal "$code" 409
  assert_equal "$(jbody .error)" "Instance name already in use"
  create "$name" "$T2"
  assert_equal "$code" 409
}

@test "create: the limit is 403 with current and max; admins are unlimited" {
  u=$(unique lim)
  create_user "$u" "$PW" '{"max_instances":1}' >/dev/null
  t=$(login "$u" "$PW")
  create "$(unique l)" "$t"
  assert_equal "$code" 201
  create "$(unique l)" "$t"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" "Instance limit reached"
  assert_equal "$(jbody .current)" 1
  assert_equal "$(jbody .max)" 1
  a=$(admin_token)
  create "$(unique adm)" "$a"
  assert_equal "$code" 201
}

@test "create: the upstream refusing rolls the ownership row back (upstream status and body passed)" {
  name=$(unique rb)
  api POST /instance/create "{\"instanceName\":\"$name\",\"integration\":\"NOPE\"}" "$T2"
  assert_equal "$code" 400
  assert_equal "$(jbody '.response.message[0]')" "Invalid integration"
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name='$name'")" 0
}

@test "create: 10 parallel creates by a user with max 3 end with exactly 3 instances" {
  u=$(unique par)
  uid=$(create_user "$u" "$PW" '{"max_instances":3}')
  t=$(login "$u" "$PW")
  dir="$BATS_TEST_TMPDIR/par"
  mkdir -p "$dir"
  pids=()
  for i in $(seq 1 10); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X POST "$GATEWAY_URL/instance/create" -H "apikey: $t" \
      -H 'Content-Type: application/json' -d "{\"instanceName\":\"${u}_$i\",\"integration\":\"WHATSAPP-BAILEYS\"}" >"$dir/$i" &
    pids+=($!)
  done
  # Only our own jobs: a bare `wait` would also wait for bats' background helpers.
  wait "${pids[@]}"
  assert_equal "$(cat "$dir"/* | grep -c '^201$')" 3
  assert_equal "$(cat "$dir"/* | grep -c '^403$')" 7
  assert_equal "$(psql_q "select count(*) from user_instances where user_id=$uid")" 3
}

@test "fetchInstances: users see owned and granted rows only, admins all; both shapes; no-store" {
  a=$(admin_token)
  n1=$(unique f1); n2=$(unique f2)
  create "$n1" "$T1"; create "$n2" "$T2"
  api GET /instance/fetchInstances "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(header cache-control)" no-store
  assert_equal "$(header pragma)" no-cache
  assert_equal "$(header expires)" 0
  assert_equal "$(jbody "[.[] | select(.name==\"$n1\")] | length")" 1
  assert_equal "$(jbody "[.[] | select(.name==\"$n2\")] | length")" 0
  assert_equal "$(jbody "[.[] | select(.name==\"$n1\")][0].instance.instanceName")" "$n1"
  assert_equal "$(jbody "[.[] | select(.name==\"$n1\")][0].instance.state")" "$(jbody "[.[] | select(.name==\"$n1\")][0].connectionStatus")"
  # user2 sees n2 but not n1 until granted
  api GET /instance/fetchInstances "" "$T2"
  assert_equal "$(jbody "[.[] | select(.name==\"$n1\")] | length")" 0
  api POST "/admin/instances/$n1/grant" "{\"user_id\":$U2_ID}" "$a"
  assert_equal "$code" 201
  api GET /instance/fetchInstances "" "$T2"
  assert_equal "$(jbody "[.[] | select(.name==\"$n1\" or .name==\"$n2\")] | length")" 2
  api GET /instance/fetchInstances "" "$a"
  assert_equal "$(jbody "[.[] | select(.name==\"$n1\" or .name==\"$n2\")] | length")" 2
  # ?instanceName= of someone else's instance is filtered out, not leaked
  u=$(unique none); create_user "$u" "$PW" >/dev/null; t=$(login "$u" "$PW")
  api GET "/instance/fetchInstances?instanceName=$n1" "" "$t"
  assert_equal "$code" 200
  assert_equal "$body" "[]"
}

@test "connectionState: 200 own, 403 other, 200 admin; 401 anonymous" {
  name=$(unique cs)
  create "$name" "$T1"
  api GET "/instance/connectionState/$name" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jbody .instance.instanceName)" "$name"
  api GET "/instance/connectionState/$name" "" "$T2"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" "You don't own this instance"
  api GET "/instance/connectionState/$name" "" "$(admin_token)"
  assert_equal "$code" 200
  api GET "/instance/connectionState/$name"
  assert_equal "$code" 401
  assert_equal "$(jbody .error)" "Missing apikey header"
}

@test "delete: other user 403, grantee 403, owner 200 and the slot comes back; dependents removed (D18)" {
  u=$(unique del)
  uid=$(create_user "$u" "$PW" '{"max_instances":1}')
  t=$(login "$u" "$PW")
  name=$(unique d)
  create "$name" "$t"
  assert_equal "$code" 201
  api DELETE "/instance/delete/$name" "" "$T2"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" "You don't own this instance"
  api POST "/admin/instances/$name/grant" "{\"user_id\":$U2_ID}" "$(admin_token)"
  api DELETE "/instance/delete/$name" "" "$T2"
  assert_equal "$code" 403
  psql_q "insert into user_webhooks (user_id, instance_name, webhook_url) values ($uid, '$name', 'https://example.com/h')" >/dev/null
  psql_q "insert into scheduled_messages (user_id, instance_name, message_content, recipients, scheduled_at) values ($uid, '$name', 'x', '[\"1\"]', now() + interval '1 day')" >/dev/null
  api DELETE "/instance/delete/$name" "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "Instance deleted"
  assert_equal "$(jbody .instance)" "$name"
  assert_equal "$(psql_q "select (select count(*) from user_instances where instance_name='$name') + (select count(*) from instance_permissions where instance_name='$name') + (select count(*) from user_webhooks where instance_name='$name') + (select count(*) from scheduled_messages where instance_name='$name')")" 0
  upstream_api GET "/instance/connectionState/$name"
  assert_equal "$code" 404
  # the grantee lost access at once (cache invalidated)
  api GET "/instance/connectionState/$name" "" "$T2"
  assert_equal "$code" 403
  create "$(unique d2)" "$t"
  assert_equal "$code" 201
}

@test "delete: an admin deletes anyone's instance; unknown upstream (404) still answers 200" {
  name=$(unique da)
  create "$name" "$T1"
  upstream_api DELETE "/instance/delete/$name"
  api DELETE "/instance/delete/$name" "" "$(admin_token)"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name='$name'")" 0
}
