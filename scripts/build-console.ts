/**
 * Builds the HQ console (console/) into console/dist/: index.html + assets/app.js, served by the
 * local stack at /admin/ and deployable as is to CloudBase static hosting. CONSOLE_API_URL
 * chooses where it calls the `admin` function (default: the local stack's /fn/admin).
 */
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const root = path.resolve(__dirname, '..')
const consoleDir = path.join(root, 'console')
const outDir = path.join(consoleDir, 'dist')

export async function buildConsole(): Promise<{ bytes: number; gzipBytes: number; ms: number }> {
  const started = Date.now()
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(path.join(outDir, 'assets'), { recursive: true })
  await build({
    entryPoints: [path.join(consoleDir, 'src', 'main.tsx')],
    outfile: path.join(outDir, 'assets', 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome100', 'safari15'],
    jsx: 'automatic',
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      'process.env.NODE_ENV': '"production"',
      __CONSOLE_API_URL__: JSON.stringify(process.env.CONSOLE_API_URL ?? '/fn/admin'),
    },
  })
  copyFileSync(path.join(consoleDir, 'index.html'), path.join(outDir, 'index.html'))
  const file = path.join(outDir, 'assets', 'app.js')
  return {
    bytes: statSync(file).size,
    gzipBytes: gzipSync(readFileSync(file)).length,
    ms: Date.now() - started,
  }
}

if (require.main === module) {
  buildConsole()
    .then((r) =>
      process.stdout.write(
        `  console  ${(r.bytes / 1024).toFixed(0)} KB (${(r.gzipBytes / 1024).toFixed(0)} KB gzip)  ${r.ms} ms\n`,
      ),
    )
    .catch((err) => {
      process.stderr.write(`${(err as Error).message}\n`)
      process.exit(1)
    })
}
