/**
 * @module scripts/import-reference/main
 * `npm run import:reference`: imports a TAGUATO-SEND database (and, with --evolution-from, the linked
 * phones of the Evolution API it ran) into taguato-send, then prints what was imported, skipped and why.
 * Exit codes: 0 done, 1 failed (nothing half-done is left unrecorded: run it again), 2 refused (the
 * message says what to change), 64 bad options.
 */
import { loadDotenv } from '../lib/env.js'
import { formatReport } from './report.js'
import { readOptions, UsageError, USAGE } from './options.js'
import { ImportRefused, runImport } from './run.js'

async function main(): Promise<number> {
  loadDotenv()
  let opts
  try {
    opts = readOptions(process.argv.slice(2), process.env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`${err.message}\n\n${USAGE}\n`)
    return 64
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  try {
    const report = await runImport(opts, (line) => process.stderr.write(`[import] ${line}\n`))
    process.stdout.write(`${formatReport(report)}\n`)
    return 0
  } catch (err) {
    if (err instanceof ImportRefused) {
      process.stderr.write(`import refused: ${err.message}\n`)
      return 2
    }
    process.stderr.write(`import failed: ${(err as Error).stack ?? String(err)}\n` +
      'Nothing is lost: the reference\'s rows are untouched, and a rerun resumes (tables already copied are reported as present).\n')
    return 1
  }
}

process.exitCode = await main()
