/**
 * The local stack for the shop benchmark, in its own process: private data and function
 * folders, demo data with deep stock (every stock row set to a million), function log lines on
 * stdout (the parent reads `dbRoundTrips` from them), then `{"listening": url}`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { COLLECTIONS } from '../../shared/db/collections'
import { buildFunctions } from '../build-functions'
import { startLocalStack } from '../local-cloud/stack'

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-shop-data-'))
  const functionsDir = mkdtempSync(path.join(os.tmpdir(), 'bench-shop-fn-'))
  await buildFunctions(functionsDir)
  const stack = await startLocalStack({ dataDir, functionsDir, port: 0, seed: true, adminPassword: process.env.ADMIN_PASSWORD })
  await stack.db.collection(COLLECTIONS.stock.name).where({ available: stack.db.command.gte(0) }).update({ available: 1_000_000 })
  process.stdout.write(`${JSON.stringify({ listening: stack.url })}\n`)
  const stop = () => {
    void stack.close().then(() => {
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(functionsDir, { recursive: true, force: true })
      process.exit(0)
    })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
