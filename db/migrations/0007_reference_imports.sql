-- 0007_reference_imports: one row per run of `npm run import:reference` (scripts/import-reference) that
-- wrote something. The gateway refuses to start while the latest run has no finished_at (an import
-- stopped halfway must be run again, and it resumes), and `report` keeps what was imported, skipped
-- and why, for the operator's "check" step. Dry runs leave no row.
-- `progress` says how far each table got, written in the same transaction as its rows, so a rerun takes
-- only what no run handled before: never a row our retention purged or a user deleted since.
create table if not exists taguato.reference_imports (
  id serial primary key,
  -- where the rows came from: 'in place' or the source URL without its password.
  source text not null,
  options jsonb not null default '{}',
  -- reference table -> the highest id handled (keyed tables) or true (tables copied whole);
  -- 'upstream.instances' -> the Evolution instance names handled.
  progress jsonb not null default '{}',
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  report jsonb
);
