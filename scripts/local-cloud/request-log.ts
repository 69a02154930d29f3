/**
 * `npm start`'s terminal: every function invocation logs one JSON line (define-function.ts:
 * fn, action, role, outcome, durationMs, dbRoundTrips, …). The terminal shows each as one short
 * line; the full JSON lines go to `<data folder>/requests.log`, for grep and jq.
 */
import { appendFileSync } from 'node:fs'
import path from 'node:path'

/** `14:03:07  member.bind  ok  38 ms  5 db` for a function's log line; null for anything else. */
export function compactLine(line: string, at: Date = new Date()): string | null {
  if (!line.startsWith('{"fn":')) return null
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return null
  }
  if (typeof entry.fn !== 'string') return null
  const time = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 19)
  const name = `${entry.fn}.${typeof entry.action === 'string' ? entry.action : '?'}`
  const outcome = String(entry.outcome ?? '')
  const parts = [
    time,
    name.padEnd(28),
    outcome.padEnd(14),
    `${String(entry.durationMs ?? '?').padStart(5)} ms`,
    `${String(entry.dbRoundTrips ?? '?').padStart(3)} db`,
  ]
  if (typeof entry.error === 'string') parts.push(`  ${entry.error.split('\n')[0]}`)
  return `  ${parts.join('  ')}`
}

/**
 * Routes the functions' JSON lines (written to stdout and stderr in this process) to
 * `<dataDir>/requests.log` and prints their compact form instead; everything else passes as is.
 * Returns the log file's path.
 */
export function installRequestLog(dataDir: string): string {
  const file = path.join(dataDir, 'requests.log')
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: string) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'string' || !chunk.includes('{"fn":'))
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
      const out: string[] = []
      for (const line of chunk.split('\n')) {
        if (line === '') continue
        const compact = compactLine(line)
        if (compact === null) out.push(line)
        else {
          appendFileSync(file, `${line}\n`)
          out.push(compact)
        }
      }
      return write(out.length ? `${out.join('\n')}\n` : '')
    }) as typeof stream.write
  }
  return file
}
