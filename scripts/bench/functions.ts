/**
 * Size and cold `require` time of each bundled function (what a CloudBase cold start pays
 * before main() runs). Each require runs in a fresh node process; the median of 5 is reported.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { buildFunctions } from '../build-functions'

function coldRequireMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}

export async function benchFunctions(): Promise<object[]> {
  const built = await buildFunctions()
  return built.map((fn) => {
    const samples = Array.from({ length: 5 }, () =>
      coldRequireMs(path.join(fn.dir, 'index.js')),
    ).sort((a, b) => a - b)
    return {
      bench: 'function.bundle',
      name: fn.name,
      bytes: fn.bytes,
      kb: Math.round(fn.bytes / 1024),
      coldRequireMs: Number(samples[2]!.toFixed(1)),
      buildMs: fn.buildMs,
    }
  })
}

if (require.main === module) {
  benchFunctions()
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    })
}
