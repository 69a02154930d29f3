/**
 * `npm test`: everything a change must pass, in the order that fails fastest.
 * 1. type check and lint  2. bundle the cloud functions  3. build the console and the mini-program
 * 4. jest over every project (unit, integration, conformance, component, e2e).
 * Extra arguments go to jest (e.g. `npm test -- tests/unit`).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
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
step('bundle cloud functions', bin('tsx'), ['scripts/build-functions.ts'])
step('build HQ console', bin('tsx'), ['scripts/build-console.ts'])
// The WeChat build needs a CloudBase environment id (miniprogram/config/cloud-env.ts); tests name
// a local one explicitly.
process.env.CLOUDBASE_ENV_ID ||= 'o2o-local-test'
if (existsSync(path.join(root, 'scripts/build-miniprogram.ts'))) {
  step('build mini-program (weapp + h5)', bin('tsx'), ['scripts/build-miniprogram.ts'])
}
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
