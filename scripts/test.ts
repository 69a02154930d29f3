/**
 * `npm test`: everything a change must pass, in the order that fails fastest.
 * 1. type check, lint and formatting (prettier --check)  2. build what changed (scripts/builds.ts:
 * the cloud functions, the console, the mini-program for WeChat and H5; an unchanged input skips
 * its build)  3. jest over every project (unit, integration, conformance, component, e2e; the
 * end-to-end tests' Chromium comes with npm install, tests/support/bundled-chromium.ts).
 * Extra arguments go to jest (e.g. `npm test -- tests/unit`).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'

const root = path.resolve(__dirname, '..')
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name)

function step(title: string, cmd: string, args: string[]): void {
  const started = Date.now()
  process.stdout.write(`\n▶ ${title}\n`)
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status !== 0) {
    process.stdout.write(`✗ ${title} failed after ${seconds}s\n`)
    process.exit(result.status ?? 1)
  }
  process.stdout.write(`✓ ${title} (${seconds}s)\n`)
}

const jestArgs = process.argv.slice(2)
process.env.CLOUDBASE_ENV_ID ||= 'o2o-local-test'

interface Check {
  title: string
  cmd: string
  args: string[]
}

/** Runs one check with its output held back, so two lanes' output never interleaves. */
function runQuiet(
  check: Check,
): Promise<{ check: Check; status: number; output: string; seconds: string }> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(check.cmd, check.args, { cwd: root, env: process.env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('close', (code) =>
      resolve({
        check,
        status: code ?? 1,
        output,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      }),
    )
  })
}

/**
 * The checks are single-threaded, so on two cores they run in two lanes: eslint (the longest)
 * beside the type checks, the import rules and prettier one after another. Each lane stops at
 * its first failure; every failure is printed before the run stops.
 */
async function checks(lanes: Check[][]): Promise<void> {
  const failed: string[] = []
  await Promise.all(
    lanes.map(async (lane) => {
      for (const check of lane) {
        const result = await runQuiet(check)
        if (result.status === 0) {
          process.stdout.write(`✓ ${check.title} (${result.seconds}s)\n`)
          continue
        }
        process.stdout.write(
          `\n✗ ${check.title} failed after ${result.seconds}s\n${result.output}\n`,
        )
        failed.push(check.title)
        return
      }
    }),
  )
  if (failed.length > 0) process.exit(1)
}

async function main(): Promise<void> {
  process.stdout.write('\n▶ checks: types, lint, import rules, formatting (two lanes)\n')
  await checks([
    [{ title: 'lint', cmd: bin('eslint'), args: ['.'] }],
    [
      { title: 'type check', cmd: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
      {
        title: 'type check (console)',
        cmd: bin('tsc'),
        args: ['-p', 'console/tsconfig.json', '--noEmit'],
      },
      {
        title: 'imports: no cycle, domains meet in flows/',
        cmd: bin('tsx'),
        args: ['scripts/check-imports.ts'],
      },
      {
        title: 'formatting (prettier --check; npm run format fixes it)',
        cmd: bin('prettier'),
        args: ['--check', '--log-level=warn', '.'],
      },
    ],
  ])
  step('build functions, console, mini-program (what changed)', bin('tsx'), [
    'scripts/builds.ts',
    '--weapp',
  ])
  const report = path.join(root, '.test-artifacts', 'jest-results.json')
  mkdirSync(path.dirname(report), { recursive: true })
  // Jest's default is one worker fewer than the cores, so on two cores one test file at a time
  // with the other core mostly idle: a file spends much of its time waiting on its stack's
  // answers and on Chromium. One worker per core (at least two) uses both.
  const workers = jestArgs.some((a) => /^(--maxWorkers|-w|-i$|--runInBand)/.test(a))
    ? []
    : [`--maxWorkers=${Math.max(2, availableParallelism())}`]
  step('jest', bin('jest'), ['--ci', '--json', `--outputFile=${report}`, ...workers, ...jestArgs])
  // One plain closing line that any CI log reader understands.
  const results = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number
    numFailedTests: number
    numPendingTests: number
  }
  process.stdout.write(
    `\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
  )
}

void main()
