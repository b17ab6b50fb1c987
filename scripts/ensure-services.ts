/**
 * @module scripts/ensure-services
 * CLI: make PostgreSQL and Redis reachable and print their URLs.
 *
 *   npx tsx scripts/ensure-services.ts            # check / start, print DATABASE_URL and REDIS_URL, exit
 *   npx tsx scripts/ensure-services.ts --hold     # same, then keep private servers up until Ctrl-C
 *
 * Without --hold, private servers are stopped again before exiting (the launchers own their lifetime);
 * the check itself (and the create-database step) is what this command is for.
 */
import { loadDotenv, readLauncherEnv } from './lib/env.js'
import { errorMessage, say } from './lib/log.js'
import { ensureDatabase } from './lib/pg-admin.js'
import { dataDir } from './lib/paths.js'
import { ensureServices } from './lib/services.js'

loadDotenv()
try {
  const hold = process.argv.includes('--hold')
  const services = await ensureServices({ launcher: readLauncherEnv(), scope: 'dev', dataDir: dataDir() })
  if (await ensureDatabase(services.databaseUrl)) say('created the database')
  process.stdout.write(`DATABASE_URL=${services.databaseUrl}\nREDIS_URL=${services.redisUrl}\n`)
  if (hold && services.privates.length > 0) {
    say('private servers are up; Ctrl-C stops them')
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
  }
  await services.stop()
} catch (err) {
  say(errorMessage(err))
  process.exit(1)
}
