-- 0015_user_send_settings: an operator's send budgets and default send mode for all of one user's
-- instances (docs/delivery-guarantees.md#per-user-and-per-instance-settings-admin). Each field null = not
-- set here. What applies to an instance, field by field: its own setting (instance_send_settings), else
-- its owner's (this table), else the config default.
create table if not exists taguato.user_send_settings (
  user_id int primary key references taguato.users (id) on delete cascade,
  per_minute int check (per_minute >= 0),
  new_recipients_per_day int check (new_recipients_per_day >= 0),
  warmup_days int check (warmup_days >= 0),
  send_mode varchar(8) check (send_mode in ('sync', 'queue')),
  updated_at timestamptz not null default now()
);
