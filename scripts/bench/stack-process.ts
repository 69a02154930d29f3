/**
 * A local stack for a benchmark, in its own process (so the load generator does not share its
 * event loop): private data and function folders, demo data, function log lines on stdout (the
 * parent reads `dbRoundTrips` from them), then `{"listening": url}`.
 * A `conflicts` line on stdin prints `{"conflicts": {"<collection>/<id>": n}}`, the transaction conflicts by document.
 * BENCH_DEEP_STOCK=1 sets every shop stock row to a million, so a long run never sells out.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { COLLECTIONS } from '../../shared/collections'
import { buildFunctions } from '../build-functions'
import { buildLocalFixtures } from '../local-cloud/fixtures'
import { startLocalStack } from '../local-cloud/stack'

async function main() {
  const name = process.env.BENCH_NAME ?? 'bench'
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-data-`))
  const functionsDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-fn-`))
  const fixturesDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-fixtures-`))
  await buildFunctions(functionsDir)
  await buildLocalFixtures(fixturesDir)
  const stack = await startLocalStack({
    dataDir,
    functionsDir,
    fixturesDir,
    port: 0,
    seed: true,
    adminPassword: process.env.ADMIN_PASSWORD,
  })
  if (process.env.BENCH_DEEP_STOCK === '1') {
    await stack.db
      .collection(COLLECTIONS.stock.name)
      .where({ available: stack.db.command.gte(0) })
      .update({ available: 1_000_000 })
  }
  // A `conflicts` line on stdin: print the transaction conflicts so far, by document.
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'conflicts') return
    const conflicts = Object.fromEntries(
      [...stack.gateway.engine.conflicts].map(([key, n]) => [key.replace('\u0000', '/'), n]),
    )
    process.stdout.write(`${JSON.stringify({ conflicts })}\n`)
  })
  process.stdout.write(`${JSON.stringify({ listening: stack.url })}\n`)
  const stop = () => {
    void stack.close().then(() => {
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(functionsDir, { recursive: true, force: true })
      rmSync(fixturesDir, { recursive: true, force: true })
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
