/**
 * Rebuild only what changed. A build names its inputs (folders and files of the repository) and
 * its config (target, environment it reads); their content hash is written beside the output
 * (`<outDir>/.build-hash`) after a successful build. The next run compares: the same hash and the
 * output still there → skip; anything else (an edited, added or removed file, another config, a
 * failed or interrupted build that left no hash) → build again.
 *
 * Used by `npm start` and `npm test` (scripts/start.ts, scripts/test.ts).
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const HASH_FILE = '.build-hash'

/**
 * Folders never read as inputs: outputs, installs, and every dot-folder (caches a build writes
 * into its own inputs, such as Taro's miniprogram/.swc/, would otherwise make each build stale).
 */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage'])
const skipped = (name: string, isDir: boolean) =>
  isDir && (SKIP_DIRS.has(name) || name.startsWith('.'))

export interface BuildSpec {
  /** Shown in progress lines. */
  title: string
  /** Where the build writes; the hash file is kept inside it. */
  outDir: string
  /** Files and folders (read recursively) whose contents the output depends on. */
  inputs: string[]
  /** Anything else the output depends on (target, environment variables); JSON-serialisable. */
  config?: unknown
  /** Files that must exist in outDir for it to count as built (default: none beyond the hash). */
  expect?: string[]
}

function listFiles(entry: string, into: string[]): void {
  if (!existsSync(entry)) return
  if (!statSync(entry).isDirectory()) {
    into.push(entry)
    return
  }
  for (const item of readdirSync(entry, { withFileTypes: true })) {
    if (skipped(item.name, item.isDirectory())) continue
    listFiles(path.join(entry, item.name), into)
  }
}

/** Hash of every input file's path (relative to `base`) and contents, and of the config. */
export function inputsHash(spec: Pick<BuildSpec, 'inputs' | 'config'>, base: string): string {
  const files: string[] = []
  for (const input of spec.inputs) listFiles(path.resolve(base, input), files)
  const hash = createHash('sha256')
  hash.update(JSON.stringify(spec.config ?? null))
  for (const file of [...new Set(files)].sort()) {
    hash.update(`\0${path.relative(base, file).split(path.sep).join('/')}\0`)
    hash.update(readFileSync(file))
  }
  return hash.digest('hex')
}

function hashFile(spec: BuildSpec): string {
  return path.join(spec.outDir, HASH_FILE)
}

/** The hash to build with, and whether the output already matches it. */
export function checkFresh(spec: BuildSpec, base: string): { hash: string; fresh: boolean } {
  const hash = inputsHash(spec, base)
  let stored: string | undefined
  try {
    stored = readFileSync(hashFile(spec), 'utf8').trim()
  } catch {
    stored = undefined
  }
  const complete = (spec.expect ?? []).every((file) => existsSync(path.join(spec.outDir, file)))
  return { hash, fresh: stored === hash && complete }
}

export function recordBuilt(spec: BuildSpec, hash: string): void {
  writeFileSync(hashFile(spec), `${hash}\n`)
}

export type BuildOutcome = 'skipped' | 'built'

/**
 * Runs `build` unless the output is fresh; records the hash only when it succeeds. A build that
 * throws leaves no hash (the next run builds again) and the error goes to the caller.
 */
export async function buildIfStale(
  spec: BuildSpec,
  base: string,
  build: () => Promise<void>,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<BuildOutcome> {
  const { hash, fresh } = checkFresh(spec, base)
  if (fresh) {
    log(`✓ ${spec.title}: up to date`)
    return 'skipped'
  }
  const started = Date.now()
  log(`▶ ${spec.title}: building…`)
  await build()
  recordBuilt(spec, hash)
  log(`✓ ${spec.title}: built (${((Date.now() - started) / 1000).toFixed(1)}s)`)
  return 'built'
}
