/**
 * Builds the mini-program for both targets, in production mode, from a clean output folder:
 *   1. type check   tsc -p miniprogram/tsconfig.json --noEmit
 *   2. WeChat       taro build --type weapp  → miniprogram/dist/weapp
 *   3. H5           taro build --type h5     → miniprogram/dist/h5 (served by the local stack at `/`)
 * The two Taro builds run side by side (they share nothing but the CPU). A build that prints a
 * warning fails too: every warning is either fixed or explained in miniprogram/config/index.ts.
 * Run by `npm test` (scripts/test.ts) before jest; also handy on its own:
 *   node_modules/.bin/tsx scripts/build-miniprogram.ts [weapp|h5]
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '..')
const appDir = path.join(root, 'miniprogram')
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name)

export type Target = 'weapp' | 'h5'

interface StepResult {
  title: string
  ok: boolean
  seconds: number
  output: string
  warnings: string[]
}

// What webpack, Taro and sass print for a warning. Progress-bar redraws are stripped first.
const WARNING_LINE = /(^|\s)(WARNING|Warning:|ModuleWarning|Deprecation Warning|⚠)/
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g')

function run(title: string, cmd: string, args: string[], cwd: string): Promise<StepResult> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', FORCE_COLOR: '0', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('close', (code) => {
      const clean = output.replace(ANSI, '')
      const warnings = clean.split(/\r?\n/).filter((line) => WARNING_LINE.test(line))
      resolve({
        title,
        ok: code === 0,
        seconds: (Date.now() - started) / 1000,
        output: clean,
        warnings,
      })
    })
  })
}

function taroBuild(target: Target): Promise<StepResult> {
  rmSync(path.join(appDir, 'dist', target), { recursive: true, force: true })
  return run(`taro build --type ${target}`, bin('taro'), ['build', '--type', target], appDir)
}

function report(step: StepResult): boolean {
  const passed = step.ok && step.warnings.length === 0
  process.stdout.write(`${passed ? '✓' : '✗'} ${step.title} (${step.seconds.toFixed(1)}s)\n`)
  if (!step.ok) {
    process.stdout.write(step.output.split(/\r?\n/).slice(-80).join('\n') + '\n')
  } else if (step.warnings.length > 0) {
    process.stdout.write(
      `  ${step.warnings.length} warning line(s); builds must be warning-free:\n`,
    )
    process.stdout.write(
      step.warnings
        .slice(0, 20)
        .map((line) => `    ${line.trim()}`)
        .join('\n') + '\n',
    )
  }
  return passed
}

export const TARGETS: readonly Target[] = ['weapp', 'h5']

/**
 * Type check, then the requested targets side by side. Prints each step (and a failed step's own
 * output); resolves false when any step failed or warned.
 */
export async function buildMiniprogram(targets: readonly Target[] = TARGETS): Promise<boolean> {
  const typeCheck = await run(
    'tsc -p miniprogram/tsconfig.json',
    bin('tsc'),
    ['-p', 'miniprogram/tsconfig.json', '--noEmit'],
    root,
  )
  if (!report(typeCheck)) return false
  const builds = await Promise.all(targets.map(taroBuild))
  return builds.map(report).every(Boolean)
}

if (require.main === module) {
  const requested = process.argv
    .slice(2)
    .filter((arg): arg is Target => arg === 'weapp' || arg === 'h5')
  void buildMiniprogram(requested.length > 0 ? requested : TARGETS).then((ok) => {
    if (!ok) process.exit(1)
  })
}
