/**
 * What the mini-program costs to download:
 *   - the WeChat main package and each subpackage (bytes on disk of miniprogram/dist/weapp, as
 *     the WeChat upload counts them: every file of the package, project.config.json aside);
 *   - the H5 first load: the JavaScript (and CSS) a browser fetches to show the home page —
 *     index.html's scripts plus the home route's chunk — gzip-compressed as a server sends it.
 * Targets (issue 3): main package under 1 MB (WeChat's own limit is 2 MB), H5 first-load JS
 * under 250 KB gzip. `benchMiniprogramSize()` rebuilds first so the figures describe the
 * current source; pass `{ build: false }` to measure the build already on disk.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

const root = path.resolve(__dirname, '..', '..')
export const WEAPP_DIR = path.join(root, 'miniprogram', 'dist', 'weapp')
export const H5_DIR = path.join(root, 'miniprogram', 'dist', 'h5')

/** 1 MB and 250 KB in the sense WeChat uses for its package limits (1 KB = 1024 bytes). */
export const MAIN_PACKAGE_TARGET_BYTES = 1024 * 1024
export const H5_FIRST_LOAD_JS_TARGET_BYTES = 250 * 1024

const NOT_UPLOADED = new Set(['project.config.json', 'project.private.config.json'])

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(full) : [full]
  })
}

interface AppJson {
  pages: string[]
  subPackages?: Array<{ root: string; name?: string }>
  subpackages?: Array<{ root: string; name?: string }>
}

export interface WeappSizes {
  mainBytes: number
  mainFiles: number
  subpackages: Array<{ root: string; bytes: number; files: number }>
}

export function measureWeapp(dir = WEAPP_DIR): WeappSizes {
  const app = JSON.parse(readFileSync(path.join(dir, 'app.json'), 'utf8')) as AppJson
  const roots = (app.subPackages ?? app.subpackages ?? []).map((pkg) => pkg.root.replace(/\/$/, ''))
  const subpackages = roots.map((pkgRoot) => ({ root: pkgRoot, bytes: 0, files: 0 }))
  let mainBytes = 0
  let mainFiles = 0
  for (const file of filesUnder(dir)) {
    const relative = path.relative(dir, file).split(path.sep).join('/')
    if (NOT_UPLOADED.has(relative) || relative.endsWith('.map')) continue
    const bytes = statSync(file).size
    const pkg = subpackages.find((sub) => relative.startsWith(`${sub.root}/`))
    if (pkg) {
      pkg.bytes += bytes
      pkg.files += 1
    } else {
      mainBytes += bytes
      mainFiles += 1
    }
  }
  return { mainBytes, mainFiles, subpackages }
}

export interface H5FirstLoad {
  /** Files relative to the H5 build, in the order a browser would request them. */
  js: string[]
  css: string[]
  jsBytes: number
  jsGzipBytes: number
  cssGzipBytes: number
}

/**
 * index.html's own scripts and styles, plus the chunks the router loads for the first page (its
 * `load` in the routes table Taro writes into app.js).
 */
export function measureH5FirstLoad(dir = H5_DIR, firstPage = 'pages/home/index'): H5FirstLoad {
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8')
  const local = (url: string) => url.replace(/^\//, '').replace(/^\.\//, '')
  const js = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => local(m[1]!))
  const css = [...html.matchAll(/<link[^>]*\shref="([^"]+\.css)"/g)].map((m) => local(m[1]!))

  const appJs = js.map((file) => readFileSync(path.join(dir, file), 'utf8')).join('\n')
  const routeStart = appJs.indexOf(`"path":"${firstPage}"`)
  if (routeStart < 0)
    throw new Error(`no route for ${firstPage} in the H5 entry scripts (${js.join(', ')})`)
  const routeEnd = appJs.indexOf('"path":"', routeStart + 1)
  const route = appJs.slice(routeStart, routeEnd < 0 ? undefined : routeEnd)
  const chunkIds = [...route.matchAll(/\.e\((\d+)\)/g)].map((m) => m[1]!)
  if (chunkIds.length === 0)
    throw new Error(`could not find the chunks of ${firstPage} in its route`)
  for (const id of chunkIds) {
    if (existsSync(path.join(dir, 'chunk', `${id}.js`))) js.push(`chunk/${id}.js`)
    if (existsSync(path.join(dir, 'css', `${id}.css`))) css.push(`css/${id}.css`)
  }

  const read = (file: string) => readFileSync(path.join(dir, file))
  return {
    js,
    css,
    jsBytes: js.reduce((sum, file) => sum + read(file).length, 0),
    jsGzipBytes: js.reduce((sum, file) => sum + gzipSync(read(file)).length, 0),
    cssGzipBytes: css.reduce((sum, file) => sum + gzipSync(read(file)).length, 0),
  }
}

function buildMiniprogram(): void {
  const result = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    [path.join(root, 'scripts', 'build-miniprogram.ts')],
    {
      cwd: root,
      // The build's progress goes to stderr: stdout carries only the bench's JSON lines.
      stdio: ['ignore', 2, 2],
    },
  )
  if (result.status !== 0) throw new Error('mini-program build failed')
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10

export async function benchMiniprogramSize(options: { build?: boolean } = {}): Promise<object[]> {
  if (options.build ?? true) buildMiniprogram()
  const weapp = measureWeapp()
  const h5 = measureH5FirstLoad()
  return [
    {
      bench: 'miniprogram.size',
      name: 'weapp main package',
      bytes: weapp.mainBytes,
      kb: kb(weapp.mainBytes),
      files: weapp.mainFiles,
      targetBytes: MAIN_PACKAGE_TARGET_BYTES,
      withinTarget: weapp.mainBytes < MAIN_PACKAGE_TARGET_BYTES,
    },
    ...weapp.subpackages.map((pkg) => ({
      bench: 'miniprogram.size',
      name: `weapp subpackage ${pkg.root}`,
      bytes: pkg.bytes,
      kb: kb(pkg.bytes),
      files: pkg.files,
    })),
    {
      bench: 'miniprogram.size',
      name: 'h5 first-load js (gzip)',
      bytes: h5.jsGzipBytes,
      kb: kb(h5.jsGzipBytes),
      rawBytes: h5.jsBytes,
      files: h5.js,
      targetBytes: H5_FIRST_LOAD_JS_TARGET_BYTES,
      withinTarget: h5.jsGzipBytes < H5_FIRST_LOAD_JS_TARGET_BYTES,
    },
    {
      bench: 'miniprogram.size',
      name: 'h5 first-load css (gzip)',
      bytes: h5.cssGzipBytes,
      kb: kb(h5.cssGzipBytes),
      files: h5.css,
    },
  ]
}

if (require.main === module) {
  benchMiniprogramSize({ build: !process.argv.includes('--no-build') })
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    })
}
