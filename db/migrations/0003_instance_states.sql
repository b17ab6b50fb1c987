-- 0003_instance_states: the reconnect job's memory of each upstream instance. An instance is
-- reconnected only if it was seen `open` before (was_open), and its consecutive attempts drive an
-- exponential backoff so a dead instance is not hammered. Kept in Postgres so every replica agrees.
create table if not exists taguato.instance_states (
  instance_name varchar(255) primary key,
  state varchar(20) not null,
  was_open boolean not null default false,
  reconnect_attempts int not null default 0,
  last_attempt_at timestamptz,
  updated_at timestamptz not null default now()
);
