// The recorded history must be the folder's own: another program's names or unknown versions are
// reported (TAGUATO-SEND's schema_migrations used to be taken as ours, issue 32).
import { describe, expect, it } from 'vitest'
import { historyProblems, type Migration } from './migrate.js'

const ours: Migration[] = [
  { version: 1, name: 'init', file: '0001_init.sql' },
  { version: 2, name: 'job_runs', file: '0002_job_runs.sql' },
]

describe('historyProblems', () => {
  it('accepts our history, complete or not', () => {
    expect(historyProblems([], ours)).toEqual([])
    expect(historyProblems([{ version: 1, filename: 'init' }], ours)).toEqual([])
    expect(historyProblems([{ version: 2, filename: 'job_runs' }, { version: 1, filename: 'init' }], ours)).toEqual([])
  })

  it("names each version recorded under another name, or that we do not have", () => {
    expect(historyProblems([{ version: 1, filename: 'add_brute_force_columns' }, { version: 14, filename: 'add_instance_permissions' }], ours)).toEqual([
      'version 1 is recorded as "add_brute_force_columns", ours is "init"',
      'version 14 "add_instance_permissions" is not one of ours (a newer release, or another program\'s)',
    ])
  })
})
