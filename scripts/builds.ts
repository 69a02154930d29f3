/**
 * Every build the local stack serves, each rebuilt only when its inputs changed
 * (scripts/build-cache.ts): the cloud function bundles (and the local stack's fixtures beside
 * them, scripts/local-cloud/fixtures), the HQ console and the mini-program
 * (H5 for the browser; WeChat too for `npm test`). `npm start` and `npm test` both call
 * `buildAll`; a failed build throws `BuildFailed` after printing the build's own output.
 *
 *   node_modules/.bin/tsx scripts/builds.ts [--weapp]   # build what is stale, then exit
 */
import path from 'node:path'
import { buildIfStale, checkFresh, recordBuilt, type BuildSpec } from './build-cache'
import { buildConsole } from './build-console'
import { buildFunctions, readManifest } from './build-functions'
import { buildMiniprogram, type Target } from './build-miniprogram'
import { buildLocalFixtures, FIXTURES_OUT_DIR, LOCAL_FIXTURES } from './local-cloud/fixtures'

const root = path.resolve(__dirname, '..')

/** Root files every build depends on: the installed versions and the compiler settings. */
const COMMON = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build-cache.ts']

export class BuildFailed extends Error {}

export function functionsSpec(): BuildSpec {
  return {
    title: 'cloud functions',
    outDir: path.join(root, 'dist', 'cloudfunctions'),
    inputs: [
      ...COMMON,
      'cloudfunctions',
      'shared',
      'cloudbaserc.json',
      'scripts/build-functions.ts',
    ],
    expect: readManifest().map((fn) => path.join(fn.name, 'index.js')),
  }
}

/** The local stack's fixture functions (never deployed), bundled with the same settings. */
export function fixturesSpec(): BuildSpec {
  return {
    title: 'local-stack fixtures',
    outDir: FIXTURES_OUT_DIR,
    inputs: [...COMMON, 'shared', 'scripts/local-cloud/fixtures', 'scripts/build-functions.ts'],
    expect: LOCAL_FIXTURES.map((fixture) => path.join(fixture.name, 'index.js')),
  }
}

export function consoleSpec(): BuildSpec {
  return {
    title: 'HQ console',
    outDir: path.join(root, 'console', 'dist'),
    inputs: [...COMMON, 'console', 'shared', 'scripts/build-console.ts'],
    config: { CONSOLE_API_URL: process.env.CONSOLE_API_URL ?? null },
    expect: ['index.html', path.join('assets', 'app.js')],
  }
}

export function miniprogramSpec(target: Target): BuildSpec {
  return {
    title: `mini-program (${target === 'h5' ? 'H5' : 'WeChat'})`,
    outDir: path.join(root, 'miniprogram', 'dist', target),
    inputs: [...COMMON, 'miniprogram', 'shared', 'scripts/build-miniprogram.ts'],
    config: {
      target,
      CLOUDBASE_ENV_ID: process.env.CLOUDBASE_ENV_ID ?? null,
      WECHAT_TEMPLATE_NEW_MESSAGE: process.env.WECHAT_TEMPLATE_NEW_MESSAGE ?? null,
    },
    expect: target === 'h5' ? ['index.html'] : ['app.json'],
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`)

async function failing<T>(title: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build()
  } catch (err) {
    // esbuild has already printed its errors (logLevel: warning); add the summary it threw.
    throw new BuildFailed(`${title} failed to build:\n${(err as Error).message}`)
  }
}

/** Builds whatever is stale, one after another (two cores: side by side only slows each). */
export async function buildAll(options: { weapp?: boolean } = {}): Promise<void> {
  const functions = functionsSpec()
  await buildIfStale(
    functions,
    root,
    () => failing(functions.title, () => buildFunctions()).then(() => undefined),
    log,
  )
  const fixtures = fixturesSpec()
  await buildIfStale(
    fixtures,
    root,
    () => failing(fixtures.title, () => buildLocalFixtures()).then(() => undefined),
    log,
  )
  const hq = consoleSpec()
  await buildIfStale(
    hq,
    root,
    () => failing(hq.title, () => buildConsole()).then(() => undefined),
    log,
  )

  const targets: Target[] = options.weapp ? ['weapp', 'h5'] : ['h5']
  const stale = targets
    .map((target) => ({
      target,
      spec: miniprogramSpec(target),
      ...checkFresh(miniprogramSpec(target), root),
    }))
    .filter((entry) => {
      if (entry.fresh) log(`✓ ${entry.spec.title}: up to date`)
      return !entry.fresh
    })
  if (stale.length === 0) return
  const started = Date.now()
  log(
    `▶ ${stale.map((entry) => entry.spec.title).join(' and ')}: building (a few minutes the first time)…`,
  )
  if (!(await buildMiniprogram(stale.map((entry) => entry.target)))) {
    throw new BuildFailed('the mini-program failed to build (its output is above)')
  }
  for (const entry of stale) recordBuilt(entry.spec, entry.hash)
  log(`✓ mini-program: built (${((Date.now() - started) / 1000).toFixed(1)}s)`)
}

if (require.main === module) {
  buildAll({ weapp: process.argv.includes('--weapp') }).catch((err) => {
    process.stderr.write(`\n✗ ${(err as Error).message}\n`)
    process.exit(1)
  })
}
