-- 0001_init: the whole reference schema (22 tables) in schema taguato, with timestamptz everywhere (D11, docs/decisions.md#d11).
-- Column names, limits, checks and cascades follow R9 (docs/decisions.md#r9); redundant
-- indexes of the reference (idx_users_token, idx_user_instances_name, uq_instance_name) are left out.

create schema if not exists taguato;

create table taguato.users (
  id serial primary key,
  username varchar(100) not null unique,
  password_hash varchar(255) not null,
  role varchar(20) not null default 'user' check (role in ('admin', 'user')),
  api_token varchar(64) not null unique,
  max_instances int not null default 1,
  is_active boolean not null default true,
  must_change_password boolean not null default true,
  rate_limit int,
  failed_login_attempts int not null default 0,
  locked_until timestamptz,
  email varchar(255) unique,
  phone_number varchar(30),
  totp_secret varchar(64),
  totp_enabled boolean not null default false,
  totp_last_step bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_users_email on taguato.users (email) where email is not null;

create table taguato.user_instances (
  id serial primary key,
  user_id int references taguato.users (id) on delete cascade,
  instance_name varchar(255) not null unique,
  channel_type varchar(20) not null default 'whatsapp' check (channel_type in ('whatsapp', 'telegram')),
  created_at timestamptz not null default now(),
  unique (user_id, instance_name)
);
create index idx_user_instances_user on taguato.user_instances (user_id);

create table taguato.telegram_instances (
  instance_name varchar(255) primary key references taguato.user_instances (instance_name) on delete cascade,
  bot_token_enc text not null,
  created_at timestamptz not null default now()
);

create table taguato.instance_permissions (
  id serial primary key,
  instance_name varchar(255) not null references taguato.user_instances (instance_name) on delete cascade,
  grantee_user_id int not null references taguato.users (id) on delete cascade,
  granted_by int references taguato.users (id) on delete set null,
  granted_at timestamptz not null default now(),
  unique (instance_name, grantee_user_id)
);
create index idx_instance_permissions_user on taguato.instance_permissions (grantee_user_id);
create index idx_instance_permissions_instance on taguato.instance_permissions (instance_name);

create table taguato.services (
  id serial primary key,
  name varchar(100) not null unique,
  description text,
  display_order int not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

create table taguato.incidents (
  id serial primary key,
  title varchar(255) not null,
  severity varchar(20) not null check (severity in ('minor', 'major', 'critical')),
  status varchar(20) not null default 'investigating' check (status in ('investigating', 'identified', 'monitoring', 'resolved')),
  created_by int references taguato.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index idx_incidents_status on taguato.incidents (status);
create index idx_incidents_created on taguato.incidents (created_at desc);
create index idx_incidents_status_created on taguato.incidents (status, created_at desc);

create table taguato.incident_updates (
  id serial primary key,
  incident_id int not null references taguato.incidents (id) on delete cascade,
  status varchar(20) not null check (status in ('investigating', 'identified', 'monitoring', 'resolved')),
  message text not null,
  created_by int references taguato.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index idx_incident_updates_incident on taguato.incident_updates (incident_id);

create table taguato.incident_services (
  incident_id int not null references taguato.incidents (id) on delete cascade,
  service_id int not null references taguato.services (id) on delete cascade,
  primary key (incident_id, service_id)
);

create table taguato.scheduled_maintenances (
  id serial primary key,
  title varchar(255) not null,
  description text,
  scheduled_start timestamptz not null,
  scheduled_end timestamptz not null,
  status varchar(20) not null default 'scheduled' check (status in ('scheduled', 'in_progress', 'completed')),
  created_by int references taguato.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_maintenance_status on taguato.scheduled_maintenances (status);

create table taguato.maintenance_services (
  maintenance_id int not null references taguato.scheduled_maintenances (id) on delete cascade,
  service_id int not null references taguato.services (id) on delete cascade,
  primary key (maintenance_id, service_id)
);

create table taguato.uptime_checks (
  id serial primary key,
  service_name varchar(100) not null,
  status varchar(20) not null,
  response_time int not null default 0,
  checked_at timestamptz not null default now()
);
create index idx_uptime_checks_service_time on taguato.uptime_checks (service_name, checked_at desc);
create index idx_uptime_checks_time on taguato.uptime_checks (checked_at);

create table taguato.message_templates (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  name varchar(100) not null,
  content text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_templates_user on taguato.message_templates (user_id, updated_at desc);

create table taguato.contact_lists (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  name varchar(100) not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_contact_lists_user on taguato.contact_lists (user_id);

create table taguato.contact_list_items (
  id serial primary key,
  list_id int not null references taguato.contact_lists (id) on delete cascade,
  phone_number varchar(20) not null,
  label varchar(100) not null default '',
  created_at timestamptz not null default now()
);
create index idx_contact_items_list on taguato.contact_list_items (list_id);

create table taguato.sessions (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  token_hash varchar(64) not null,
  ip_address varchar(45),
  user_agent text,
  last_active timestamptz not null default now(),
  is_active boolean not null default true,
  expires_at timestamptz not null default now() + interval '24 hours',
  created_at timestamptz not null default now()
);
create index idx_sessions_user on taguato.sessions (user_id);
create unique index idx_sessions_token on taguato.sessions (token_hash);
create index idx_sessions_expires on taguato.sessions (expires_at) where is_active;
create index idx_sessions_active on taguato.sessions (user_id, is_active) where is_active;
create index idx_sessions_created on taguato.sessions (created_at) where not is_active;

create table taguato.scheduled_messages (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  instance_name varchar(255) not null,
  message_type varchar(20) not null default 'text' check (message_type in ('text', 'image', 'document', 'audio', 'video')),
  message_content text not null,
  recipients text not null,
  scheduled_at timestamptz not null,
  status varchar(20) not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed', 'cancelled')),
  results jsonb,
  -- D12 (docs/decisions.md#d12): a worker claims a due row with FOR UPDATE SKIP LOCKED and holds it until lease_until.
  lease_owner varchar(100),
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_scheduled_user on taguato.scheduled_messages (user_id);
create index idx_scheduled_pending on taguato.scheduled_messages (status, scheduled_at) where status in ('pending', 'processing');
create index idx_scheduled_status on taguato.scheduled_messages (status);
create index idx_scheduled_user_created on taguato.scheduled_messages (user_id, created_at desc);

create table taguato.message_logs (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  instance_name varchar(255) not null,
  -- JIDs and group ids are longer than 20 characters (the reference silently lost those rows).
  phone_number varchar(128) not null,
  -- every media type the upstream accepts is logged (D13, docs/decisions.md#d13); the reference's five stay the common case.
  message_type varchar(20) not null default 'text',
  status varchar(20) not null default 'sent' check (status in ('sent', 'failed', 'cancelled', 'delivered', 'read')),
  error_message text,
  -- WhatsApp message id returned by the upstream, for delivery tracking.
  wa_message_id varchar(128),
  delivered_at timestamptz,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  scheduled_message_id int references taguato.scheduled_messages (id) on delete set null
);
create index idx_message_logs_user on taguato.message_logs (user_id);
create index idx_message_logs_created on taguato.message_logs (created_at desc);
create unique index idx_message_logs_scheduled on taguato.message_logs (scheduled_message_id, phone_number)
  where scheduled_message_id is not null and status <> 'failed';
create index idx_message_logs_status on taguato.message_logs (status);
create index idx_message_logs_instance on taguato.message_logs (instance_name, created_at desc);
create index idx_message_logs_user_created on taguato.message_logs (user_id, created_at desc);
create index idx_message_logs_wa_id on taguato.message_logs (wa_message_id) where wa_message_id is not null;

create table taguato.audit_log (
  id serial primary key,
  user_id int references taguato.users (id) on delete set null,
  username varchar(100),
  action varchar(50) not null,
  resource_type varchar(50),
  resource_id varchar(255),
  details jsonb,
  ip_address varchar(45),
  created_at timestamptz not null default now()
);
create index idx_audit_log_created on taguato.audit_log (created_at desc);
create index idx_audit_log_user on taguato.audit_log (user_id);
create index idx_audit_log_action on taguato.audit_log (action);
create index idx_audit_log_username on taguato.audit_log (username);
create index idx_audit_log_resource on taguato.audit_log (resource_type);

create table taguato.reconnect_log (
  id serial primary key,
  instance_name varchar(255) not null,
  previous_state varchar(50),
  action varchar(50),
  result varchar(50),
  error_message text,
  created_at timestamptz not null default now()
);
create index idx_reconnect_log_created on taguato.reconnect_log (created_at desc);
create index idx_reconnect_log_instance on taguato.reconnect_log (instance_name, created_at desc);

create table taguato.user_webhooks (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  instance_name varchar(255) not null,
  webhook_url text not null,
  events text[] not null default '{}',
  is_active boolean not null default true,
  retry_count int not null default 0,
  last_error text,
  needs_sync boolean not null default false,
  -- HMAC-SHA256 key for X-Hub-Signature-256 on forwarded events; shown once at creation.
  signing_secret varchar(128),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, instance_name)
);
create index idx_webhooks_user on taguato.user_webhooks (user_id);
create index idx_webhooks_instance on taguato.user_webhooks (instance_name);

create table taguato.password_resets (
  id serial primary key,
  user_id int not null references taguato.users (id) on delete cascade,
  -- D6 (docs/decisions.md#d6): codes and reset tokens are stored as SHA-256 hex, never in clear.
  reset_code varchar(64) not null,
  reset_token varchar(64),
  method varchar(20) not null default 'email' constraint password_resets_method_check check (method in ('email', 'whatsapp', 'admin_email')),
  attempts int not null default 0,
  expires_at timestamptz not null default now() + interval '15 minutes',
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index idx_password_resets_user on taguato.password_resets (user_id);
create index idx_password_resets_token on taguato.password_resets (reset_token) where reset_token is not null;

insert into taguato.services (name, description, display_order) values
  ('Gateway', 'API gateway and routing', 1),
  ('Evolution API', 'WhatsApp engine', 2),
  ('PostgreSQL', 'Database', 3),
  ('Redis', 'Cache and queues', 4)
on conflict (name) do nothing;
