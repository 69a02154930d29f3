/** Starts a server script as a child process and waits for its `{"listening":url}` line. */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import readline from 'node:readline'

const root = path.resolve(__dirname, '..', '..')

export interface ChildServer {
  url: string
  child: ChildProcess
  stop(signal?: NodeJS.Signals): Promise<void>
}

export function startChildServer(
  script: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ChildServer> {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not start within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code} before listening`))
    })
    const lines = readline.createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { listening?: string }
        if (parsed.listening) {
          clearTimeout(timer)
          child.removeAllListeners('exit')
          resolve({
            url: parsed.listening,
            child,
            stop: (signal = 'SIGTERM') =>
              new Promise((done) => {
                if (child.exitCode !== null || child.signalCode !== null) return done()
                child.once('exit', () => done())
                child.kill(signal)
              }),
          })
        }
      } catch {
        /* not our line */
      }
    })
  })
}

/** One invocation's log line, as every function writes it (shared/runtime/define-function.ts). */
export interface FunctionLogLine {
  fn: string
  action: string
  outcome: string
  dbRoundTrips: number
  durationMs: number
}

/** Collects the function log lines a stack child prints on stdout. */
export function collectFunctionLogs(server: ChildServer): FunctionLogLine[] {
  const logs: FunctionLogLine[] = []
  readline.createInterface({ input: server.child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{"fn"')) return
    try {
      logs.push(JSON.parse(line) as FunctionLogLine)
    } catch {
      /* not a log line */
    }
  })
  return logs
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits))

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** Calls, average and maximum database round trips over some log lines. */
export function tripStats(lines: FunctionLogLine[]) {
  const trips = lines.map((l) => l.dbRoundTrips).sort((a, b) => a - b)
  return {
    calls: trips.length,
    avg: trips.length ? round(trips.reduce((a, b) => a + b, 0) / trips.length) : 0,
    max: trips.at(-1) ?? 0,
  }
}

/**
 * A closed-loop load: `concurrency` workers issue `total` operations back to back. `op` gets the
 * operation's index and says whether it succeeded. Latencies come back sorted, in ms.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  op: (index: number) => Promise<boolean>,
): Promise<{ latencies: number[]; ok: number; seconds: number }> {
  const latencies: number[] = []
  let issued = 0
  let ok = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        const index = issued++
        const t0 = performance.now()
        if (await op(index)) ok++
        latencies.push(performance.now() - t0)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { latencies, ok, seconds }
}

/**
 * The transaction conflicts a stack child has seen so far, by document, most first (the child
 * prints them when asked on stdin; scripts/bench/stack-process.ts).
 */
export function conflictsOf(server: ChildServer): Promise<{ doc: string; conflicts: number }[]> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: server.child.stdout! })
    // Never closed: closing a readline interface pauses the stream the log reader shares.
    let done = false
    const timer = setTimeout(() => {
      done = true
      reject(new Error('no conflict figures from the stack child'))
    }, 10_000)
    lines.on('line', (line) => {
      if (done || !line.startsWith('{"conflicts"')) return
      done = true
      clearTimeout(timer)
      const conflicts = (JSON.parse(line) as { conflicts: Record<string, number> }).conflicts
      resolve(
        Object.entries(conflicts)
          .map(([doc, n]) => ({ doc, conflicts: n }))
          .sort((a, b) => b.conflicts - a.conflicts),
      )
    })
    server.child.stdin!.write('conflicts\n')
  })
}
