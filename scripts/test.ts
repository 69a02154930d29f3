/**
 * `npm test`: everything a change must pass, in the order that fails fastest.
 * 1. type check, lint and formatting (prettier --check)  2. build what changed (scripts/builds.ts:
 * the cloud functions, the console, the mini-program for WeChat and H5; an unchanged input skips
 * its build)  3. jest over every project (unit, integration, conformance, component, e2e; the
 * end-to-end tests' Chromium comes with npm install, tests/support/bundled-chromium.ts).
 * Extra arguments go to jest (e.g. `npm test -- tests/unit`).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
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
step('type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])
step('type check (console)', bin('tsc'), ['-p', 'console/tsconfig.json', '--noEmit'])
step('lint', bin('eslint'), ['.'])
step('imports: no cycle, domains meet in flows/', bin('tsx'), ['scripts/check-imports.ts'])
step('formatting (prettier --check; npm run format fixes it)', bin('prettier'), [
  '--check',
  '--log-level=warn',
  '.',
])
step('build functions, console, mini-program (what changed)', bin('tsx'), [
  'scripts/builds.ts',
  '--weapp',
])
const report = path.join(root, '.test-artifacts', 'jest-results.json')
mkdirSync(path.dirname(report), { recursive: true })
step('jest', bin('jest'), ['--ci', '--json', `--outputFile=${report}`, ...jestArgs])
// One plain closing line that any CI log reader understands.
const results = JSON.parse(readFileSync(report, 'utf8')) as {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
}
process.stdout.write(
  `\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
)
