/**
 * A local stack for a benchmark, in its own process (so the load generator does not share its
 * event loop): private data and function folders, demo data, function log lines on stdout (the
 * parent reads `dbRoundTrips` from them), then `{"listening": url}`.
 * A `conflicts` line on stdin prints `{"conflicts": {"<collection>/<id>": n}}`, the transaction conflicts by document;
 * a `cpu` line prints `{"cpu": {"userUs", "systemUs"}}`, the process's CPU time so far.
 * BENCH_DEEP_STOCK=1 sets every shop stock row to a million, so a long run never sells out.
 * BENCH_CPU_PROF=<folder> builds the functions with source maps and takes two more stdin lines:
 * `profile start` starts V8's sampling CPU profiler on this process (gateway, function host and
 * functions all run here; prints `{"profiling": true}`), `profile stop <name>` writes `<folder>/<name>.cpuprofile` and prints
 * `{"profiled": path}` (scripts/bench/cpu-profile.ts reads it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { COLLECTIONS } from '../../shared/collections'
import { buildFunctions } from '../build-functions'
import { buildLocalFixtures } from '../local-cloud/fixtures'
import { startLocalStack } from '../local-cloud/stack'
import { mapBundleFrames, type CpuProfile } from './cpu-profile'

async function main() {
  const name = process.env.BENCH_NAME ?? 'bench'
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-data-`))
  const functionsDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-fn-`))
  const fixturesDir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-fixtures-`))
  const profileDir = process.env.BENCH_CPU_PROF
  await buildFunctions(functionsDir, { sourceMap: profileDir !== undefined })
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
  let profiler: Session | null = null
  const profile = async (command: string) => {
    if (!profileDir) throw new Error('profile: BENCH_CPU_PROF is not set')
    if (command === 'start') {
      profiler = new Session()
      profiler.connect()
      await profiler.post('Profiler.enable')
      await profiler.post('Profiler.start')
      process.stdout.write(`${JSON.stringify({ profiling: true })}\n`)
      return
    }
    const name = /^stop ([\w.-]+)$/.exec(command)?.[1]
    if (!name || !profiler) throw new Error(`profile: cannot ${command}`)
    const { profile: taken } = await profiler.post('Profiler.stop')
    mapBundleFrames(taken as unknown as CpuProfile, functionsDir)
    profiler.disconnect()
    profiler = null
    mkdirSync(profileDir, { recursive: true })
    const file = path.join(path.resolve(profileDir), `${name}.cpuprofile`)
    writeFileSync(file, JSON.stringify(taken))
    process.stdout.write(`${JSON.stringify({ profiled: file })}\n`)
  }
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.startsWith('profile ')) {
      profile(line.slice('profile '.length).trim()).catch((err: Error) => {
        process.stderr.write(`${err.stack ?? err}\n`)
        process.exit(1)
      })
      return
    }
    // A `cpu` line: the CPU time this process has used so far (µs): divided over a burst's
    // calls, what each cost the stack, a figure a loaded machine distorts far less than latency.
    if (line.trim() === 'cpu') {
      const { user, system } = process.cpuUsage()
      process.stdout.write(`${JSON.stringify({ cpu: { userUs: user, systemUs: system } })}\n`)
      return
    }
    // A `conflicts` line: print the transaction conflicts so far, by document.
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
