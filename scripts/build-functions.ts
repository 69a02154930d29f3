/**
 * Bundles every cloud function into a deployable folder, `dist/cloudfunctions/<name>/`:
 * `index.js` (esbuild, everything inlined: the SDK, zod and shared/ — CloudBase then installs
 * nothing), `lazy/<package>.js` for each package the function loads on first use (below),
 * `package.json`, and `config.json` with the WeChat open-API permissions and timer
 * triggers from cloudbaserc.json (the WeChat IDE reads config.json; the CloudBase CLI reads
 * cloudbaserc.json). The local stack runs these same bundles.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild'
import { POSTER_FONT_FILE, POSTER_FONT_SOURCE } from '../shared/platform/image/text'

const root = path.resolve(__dirname, '..')

export interface FunctionManifest {
  name: string
  runtime: string
  handler: string
  timeout: number
  memorySize: number
  triggers?: { name: string; type: 'timer'; config: string }[]
  config?: { permissions?: { openapi?: string[] } }
}

export function readManifest(): FunctionManifest[] {
  const rc = JSON.parse(readFileSync(path.join(root, 'cloudbaserc.json'), 'utf8')) as {
    functions: FunctionManifest[]
  }
  return rc.functions
}

export interface HttpAccessRoute {
  /** The HTTP access path, e.g. `/pay/notify` (locally served under `/http`). */
  path: string
  function: string
}

export function readHttpAccess(): HttpAccessRoute[] {
  const rc = JSON.parse(readFileSync(path.join(root, 'cloudbaserc.json'), 'utf8')) as {
    httpAccess?: HttpAccessRoute[]
  }
  return rc.httpAccess ?? []
}

/**
 * CloudBase and the WeChat IDE accept one trigger per function ("currently supports only one
 * trigger"): a second would be refused on deploy, so the build and the local stack refuse it.
 */
export function checkTriggers(fn: Pick<FunctionManifest, 'name' | 'triggers'>): void {
  const triggers = fn.triggers ?? []
  if (triggers.length > 1)
    throw new Error(
      `function ${fn.name} declares ${triggers.length} triggers (${triggers.map((t) => t.name).join(', ')}); CloudBase allows one per function`,
    )
}

/** Every folder in cloudfunctions/ must be declared in cloudbaserc.json and the other way round. */
export function checkManifest(manifest: FunctionManifest[]): void {
  for (const fn of manifest) checkTriggers(fn)
  const folders = readdirSync(path.join(root, 'cloudfunctions')).filter((name) =>
    statSync(path.join(root, 'cloudfunctions', name)).isDirectory(),
  )
  const declared = manifest.map((f) => f.name)
  const undeclared = folders.filter((f) => !declared.includes(f))
  const missing = declared.filter((f) => !folders.includes(f))
  if (undeclared.length || missing.length) {
    throw new Error(
      `cloudbaserc.json and cloudfunctions/ disagree: not declared [${undeclared.join(', ')}], no folder [${missing.join(', ')}]`,
    )
  }
}

export interface BuiltFunction {
  name: string
  dir: string
  /** Size of index.js, what a cold start loads. */
  bytes: number
  buildMs: number
  /** What index.js holds, by input file. */
  inputs: BundleInputs
  /** The packages in `lazy/`, loaded on first use. */
  lazy: { package: LazyPackage; bytes: number; inputs: BundleInputs }[]
}

/** zod's `locales` namespace as English only (scripts/build/zod-locales.mjs says why). */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    // Imported by zod's classic API (`z.locales`) and its core (`core.locales`).
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: path.join(root, 'scripts', 'build', 'zod-locales.mjs') }
        : undefined,
    )
  },
}

/**
 * Packages a function loads on first use instead of at cold start: large, and needed by few of
 * its invocations (WeChat Pay's client for the calls that sign a request; the font parser and
 * the PNG decoder for posters). Their code `require()`s them inside the function that needs them;
 * the build bundles each, once per function that uses it, into `lazy/<package>.js` beside
 * `index.js` (a function folder is all CloudBase has: nothing is installed), and index.js
 * requires that file when the call comes. A static `import` of one fails the build: it would put
 * the package back into every cold start.
 */
export const LAZY_PACKAGES = ['wechatpay-node-v3', 'opentype.js', 'pngjs'] as const
export type LazyPackage = (typeof LAZY_PACKAGES)[number]

/** Where a lazily loaded package lives in a function folder, relative to index.js. */
export function lazyFileOf(pkg: LazyPackage): string {
  return `lazy/${pkg.replace(/[^A-Za-z0-9.-]/g, '_')}.js`
}

const LAZY_FILTER = new RegExp(
  `^(${LAZY_PACKAGES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`,
)

/** Resolves a lazily loaded package to its file beside index.js and records that it was used. */
function lazyPackages(used: Set<LazyPackage>): Plugin {
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter: LAZY_FILTER }, (args) => {
        const pkg = args.path as LazyPackage
        if (args.kind !== 'require-call')
          return {
            errors: [
              {
                text: `${pkg} is loaded on first use: require() it inside the function that needs it (a static import puts it back into every cold start)`,
              },
            ],
          }
        used.add(pkg)
        return { path: `./${lazyFileOf(pkg)}`, external: true }
      })
    },
  }
}

/** The esbuild settings every function bundle (index.js and its lazy files) is built with. */
const BUNDLE_SETTINGS = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
} satisfies BuildOptions

/** What a bundled file holds: bytes in the output per input file (esbuild's metafile). */
export type BundleInputs = Record<string, number>

function inputsOf(metafile: Metafile): BundleInputs {
  const inputs: BundleInputs = {}
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      inputs[input] = (inputs[input] ?? 0) + bytesInOutput
  return inputs
}

/** One package bundled alone as `dir/lazy/<package>.js`, exporting what `require(pkg)` gives. */
async function bundleLazyPackage(
  pkg: LazyPackage,
  dir: string,
): Promise<{ package: LazyPackage; file: string; bytes: number; inputs: BundleInputs }> {
  const file = path.join(dir, lazyFileOf(pkg))
  const result = await build({
    ...BUNDLE_SETTINGS,
    stdin: {
      contents: `module.exports = require(${JSON.stringify(pkg)})`,
      resolveDir: root,
      sourcefile: `lazy:${pkg}`,
      loader: 'js',
    },
    outfile: file,
  })
  return { package: pkg, file, bytes: statSync(file).size, inputs: inputsOf(result.metafile) }
}

export interface BundleOptions {
  /**
   * Writes `index.js.map` beside `index.js` (the bundle itself unchanged): a CPU profile of the
   * minified bundle then names our source files (scripts/bench/cpu-profile.ts). Never deployed.
   */
  sourceMap?: boolean
}

/**
 * Bundles one function entry into `dir/index.js` (and `dir/lazy/`) with `package.json` and
 * `config.json`: the settings every bundle shares, deployable or a local-stack fixture
 * (scripts/local-cloud/fixtures).
 */
export async function bundleFunction(
  fn: Pick<FunctionManifest, 'name' | 'triggers' | 'config'>,
  entry: string,
  dir: string,
  options: BundleOptions = {},
): Promise<BuiltFunction> {
  const started = Date.now()
  await mkdir(dir, { recursive: true })
  const usedLazily = new Set<LazyPackage>()
  const main = await build({
    ...BUNDLE_SETTINGS,
    ...(options.sourceMap ? { sourcemap: 'external' as const } : {}),
    entryPoints: [entry],
    outfile: path.join(dir, 'index.js'),
    plugins: [zodEnglishOnly, lazyPackages(usedLazily)],
  })
  const lazy = await Promise.all([...usedLazily].sort().map((pkg) => bundleLazyPackage(pkg, dir)))
  // A function that draws posters reads its font from beside index.js (nothing is installed
  // on CloudBase): only those carry the 8 MB file.
  if (readFileSync(path.join(dir, 'index.js'), 'utf8').includes(POSTER_FONT_FILE))
    await copyFile(path.join(root, POSTER_FONT_SOURCE), path.join(dir, POSTER_FONT_FILE))
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: fn.name, version: '1.0.0', private: true, main: 'index.js' }, null, 2)}\n`,
  )
  const config = {
    permissions: { openapi: fn.config?.permissions?.openapi ?? [] },
    triggers: fn.triggers ?? [],
  }
  await writeFile(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  const bytes = statSync(path.join(dir, 'index.js')).size
  return {
    name: fn.name,
    dir,
    bytes,
    buildMs: Date.now() - started,
    inputs: inputsOf(main.metafile),
    lazy: lazy.map(({ package: pkg, bytes: lazyBytes, inputs }) => ({
      package: pkg,
      bytes: lazyBytes,
      inputs,
    })),
  }
}

export async function buildFunctions(
  outRoot = path.join(root, 'dist', 'cloudfunctions'),
  options: BundleOptions = {},
): Promise<BuiltFunction[]> {
  const manifest = readManifest()
  checkManifest(manifest)
  if (existsSync(outRoot)) rmSync(outRoot, { recursive: true, force: true })
  return Promise.all(
    manifest.map((fn) =>
      bundleFunction(
        fn,
        path.join(root, 'cloudfunctions', fn.name, 'index.ts'),
        path.join(outRoot, fn.name),
        options,
      ),
    ),
  )
}

if (require.main === module) {
  buildFunctions()
    .then((built) => {
      for (const fn of built) {
        process.stdout.write(
          `  ${fn.name.padEnd(12)} ${(fn.bytes / 1024).toFixed(0).padStart(6)} KB  ${fn.buildMs} ms\n`,
        )
      }
    })
    .catch((err) => {
      process.stderr.write(`${(err as Error).message}\n`)
      process.exit(1)
    })
}
