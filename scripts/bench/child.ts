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
 * Writes `command` on a stack child's stdin and resolves with the first stdout line that starts
 * with `answerPrefix`, parsed (scripts/bench/stack-process.ts).
 */
function askChild<T>(server: ChildServer, command: string, answerPrefix: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: server.child.stdout! })
    // Never closed: closing a readline interface pauses the stream the log reader shares.
    let done = false
    const timer = setTimeout(() => {
      done = true
      reject(new Error(`no answer to "${command}" from the stack child`))
    }, 30_000)
    lines.on('line', (line) => {
      if (done || !line.startsWith(answerPrefix)) return
      done = true
      clearTimeout(timer)
      resolve(JSON.parse(line) as T)
    })
    server.child.stdin!.write(`${command}\n`)
  })
}

/** The CPU time (user + system, ms) a stack child has used so far. */
export async function cpuMsOf(server: ChildServer): Promise<number> {
  const { cpu } = await askChild<{ cpu: { userUs: number; systemUs: number } }>(
    server,
    'cpu',
    '{"cpu"',
  )
  return (cpu.userUs + cpu.systemUs) / 1000
}

/**
 * Runs `work` under the stack child's CPU profiler when BENCH_CPU_PROF names a folder (the child
 * writes `<folder>/<name>.cpuprofile`; summarise it with scripts/bench/cpu-profile.ts), else just
 * runs it. Only the work is sampled, not the stack's start or seeding.
 */
export async function profiled<T>(
  server: ChildServer,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!process.env.BENCH_CPU_PROF) return work()
  await askChild(server, 'profile start', '{"profiling"')
  const result = await work()
  const { profiled: file } = await askChild<{ profiled: string }>(
    server,
    `profile stop ${name}`,
    '{"profiled"',
  )
  process.stderr.write(`  CPU profile: ${file}\n`)
  return result
}

/** A small seeded generator (mulberry32): the same arrivals in every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * When each of `total` arrivals comes within `windowMs`, from the start, ascending. `poisson`:
 * sorted uniform times, which is how a Poisson process's arrivals fall once their count in the
 * window is known (bunches and gaps, as shoppers come); `even`: one every windowMs/total.
 */
export function arrivalTimes(
  total: number,
  windowMs: number,
  arrivals: 'poisson' | 'even',
  seed = 17,
): number[] {
  if (arrivals === 'even') return Array.from({ length: total }, (_, i) => (i * windowMs) / total)
  const random = seededRandom(seed)
  return Array.from({ length: total }, () => random() * windowMs).sort((a, b) => a - b)
}

/**
 * An open-loop load, the way shoppers come: `total` operations arrive at `arrivalTimes` over
 * `windowMs`, each starting when it arrives unless `cap` are already in flight, when it waits for
 * the next free slot (first come, first served). A latency is from the arrival to the answer,
 * the wait for a slot included: what the arriving shopper waits. `seconds` runs from the start to
 * the last answer; `lateMsMax` is how far behind its schedule this generator started an arrival
 * (a busy machine delays the load generator too).
 */
export async function openLoop(
  total: number,
  windowMs: number,
  cap: number,
  op: (index: number) => Promise<boolean>,
  arrivals: 'poisson' | 'even' = 'poisson',
): Promise<{
  latencies: number[]
  ok: number
  seconds: number
  maxInFlight: number
  waitedForSlot: number
  lateMsMax: number
}> {
  const times = arrivalTimes(total, windowMs, arrivals)
  const latencies: number[] = []
  const slotWaiters: (() => void)[] = []
  let inFlight = 0
  let maxInFlight = 0
  let waitedForSlot = 0
  let ok = 0
  let lateMsMax = 0
  // A freed slot passes straight to the longest waiter, so no new arrival slips in between.
  const acquire = async () => {
    if (inFlight < cap) inFlight++
    else {
      waitedForSlot++
      await new Promise<void>((resolve) => slotWaiters.push(resolve))
    }
    maxInFlight = Math.max(maxInFlight, inFlight)
  }
  const release = () => {
    const next = slotWaiters.shift()
    if (next) next()
    else inFlight--
  }
  const started = performance.now()
  const calls: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + times[i]!
    const early = due - performance.now()
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early))
    lateMsMax = Math.max(lateMsMax, performance.now() - due)
    calls.push(
      (async () => {
        await acquire()
        try {
          if (await op(i)) ok++
        } finally {
          release()
        }
        latencies.push(performance.now() - due)
      })(),
    )
  }
  await Promise.all(calls)
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { latencies, ok, seconds, maxInFlight, waitedForSlot, lateMsMax }
}

/**
 * The transaction conflicts a stack child has seen so far, by document, most first (the child
 * prints them when asked on stdin; scripts/bench/stack-process.ts).
 */
export async function conflictsOf(
  server: ChildServer,
): Promise<{ doc: string; conflicts: number }[]> {
  const { conflicts } = await askChild<{ conflicts: Record<string, number> }>(
    server,
    'conflicts',
    '{"conflicts"',
  )
  return Object.entries(conflicts)
    .map(([doc, n]) => ({ doc, conflicts: n }))
    .sort((a, b) => b.conflicts - a.conflicts)
}
