-- 0002_job_runs: one row per (job, scheduled tick). Inserting it claims the tick, so a job runs once
-- per period across all replicas (D12, docs/decisions.md#d12); the row records duration and outcome for /health/detailed.
create table taguato.job_runs (
  job varchar(50) not null,
  tick timestamptz not null,
  owner varchar(100) not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms int,
  outcome varchar(20) not null default 'running' check (outcome in ('running', 'ok', 'failed', 'skipped')),
  summary jsonb,
  error text,
  primary key (job, tick)
);
create index idx_job_runs_job_started on taguato.job_runs (job, started_at desc);
