/**
 * The end-to-end tests' browser, installed by `npm install` alone: `@sparticuz/chromium` ships a
 * brotli-compressed headless Chromium, the NSS libraries it links (built on Amazon Linux 2023,
 * which run on any newer glibc, Debian's included) and a Latin font; `@embedpdf/fonts-sc` ships
 * Noto Sans Hans (Source Han Sans SC) as OTF, which fontconfig reads (woff2 it cannot).
 *
 * Neither package needs an install script: the first launch unpacks the browser into
 * node_modules/.cache/bundled-chromium/<version>/ (about 2 s, once per install) and writes a
 * fonts.conf naming only the bundled fonts, so screenshots look the same on every machine.
 * Parallel jest workers may unpack at the same time: each unpacks into its own folder and
 * renames it into place; the first rename wins and the others use it.
 *
 * The package's own JavaScript (ESM, written for AWS Lambda's /tmp) is not used, only its files.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { brotliDecompressSync } from 'node:zlib'

const root = path.resolve(__dirname, '..', '..')

export interface BrowserInstall {
  executablePath: string
  /** Environment the browser process needs (library path, fonts); merged over process.env. */
  env: Record<string, string>
}

function packageDir(name: string): string {
  const dir = path.join(root, 'node_modules', name)
  if (!existsSync(path.join(dir, 'package.json'))) {
    throw new Error(
      `${name} is not installed: run npm install (or set CHROMIUM_PATH to a Chromium)`,
    )
  }
  return dir
}

/** Extracts a plain tar (regular files and folders: what these archives hold) into `dest`. */
export function untar(tar: Buffer, dest: string): void {
  let offset = 0
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const mode = parseInt(field(100, 8).trim() || '644', 8)
    const type = field(156, 1) || '0'
    const body = tar.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    const target = path.resolve(dest, name)
    if (!target.startsWith(path.resolve(dest) + path.sep)) {
      throw new Error(`tar entry outside its folder: ${name}`)
    }
    if (type === '5') {
      mkdirSync(target, { recursive: true })
    } else if (type === '0' || type === '7') {
      mkdirSync(path.dirname(target), { recursive: true })
      writeFileSync(target, body, { mode: mode & 0o777 })
    } else if (type === 'x' || type === 'g') {
      continue // pax metadata (times, owners): nothing the browser needs
    } else {
      throw new Error(`unsupported tar entry type ${JSON.stringify(type)} for ${name}`)
    }
  }
}

function fontsConf(dirs: string[], cacheDir: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    ...dirs.map((dir) => `  <dir>${dir}</dir>`),
    `  <cachedir>${cacheDir}</cachedir>`,
    // Whatever family a page asks for (sans-serif, PingFang SC, Microsoft YaHei…), fall back to
    // the bundled CJK face, so Chinese text never renders as empty boxes.
    '  <match target="pattern">',
    '    <edit name="family" mode="append"><string>Noto Sans S Chinese</string></edit>',
    '  </match>',
    '</fontconfig>',
    '',
  ].join('\n')
}

/** Unpacks the bundled Chromium once per installed version and says how to run it. */
export function bundledChromium(): BrowserInstall {
  // Real paths: a worktree's node_modules is often a symlink to another checkout's, and the
  // fonts.conf written here is shared by every checkout that links it. A path through one
  // worktree's link stops existing when that worktree is removed, and Chromium without fonts
  // aborts at its first text ("SkFontMgr … Not implemented").
  const chromiumDir = realpathSync(packageDir('@sparticuz/chromium'))
  const fontDir = path.join(realpathSync(packageDir('@embedpdf/fonts-sc')), 'fonts')
  const { version } = JSON.parse(readFileSync(path.join(chromiumDir, 'package.json'), 'utf8')) as {
    version: string
  }
  const dir = path.join(
    realpathSync(path.join(root, 'node_modules')),
    '.cache',
    'bundled-chromium',
    version,
  )
  const executablePath = path.join(dir, 'chromium')
  const conf = fontsConf([path.join(dir, 'fonts'), fontDir], path.join(dir, 'fontconfig-cache'))
  if (!existsSync(path.join(dir, 'fonts.conf'))) {
    const staging = `${dir}.tmp-${process.pid}-${Date.now()}`
    rmSync(staging, { recursive: true, force: true })
    mkdirSync(staging, { recursive: true })
    const bin = (file: string) =>
      brotliDecompressSync(readFileSync(path.join(chromiumDir, 'bin', file)))
    writeFileSync(path.join(staging, 'chromium'), bin('chromium.br'))
    chmodSync(path.join(staging, 'chromium'), 0o755)
    untar(bin('al2023.tar.br'), staging) // lib/: NSS, NSPR, expat
    untar(bin('fonts.tar.br'), staging) // fonts/: Open Sans (and a fonts.conf for Lambda, replaced)
    writeFileSync(path.join(staging, 'fonts.conf'), conf)
    try {
      renameSync(staging, dir)
    } catch (err) {
      rmSync(staging, { recursive: true, force: true })
      if (!existsSync(path.join(dir, 'fonts.conf'))) throw err
    }
  } else if (readFileSync(path.join(dir, 'fonts.conf'), 'utf8') !== conf) {
    // Written by an older version of this file through a path that may be gone: rewrite it
    // whole (write aside, then rename: a parallel launch reads the old or the new, never half).
    const aside = path.join(dir, `fonts.conf.tmp-${process.pid}-${Date.now()}`)
    writeFileSync(aside, conf)
    renameSync(aside, path.join(dir, 'fonts.conf'))
  }
  return {
    executablePath,
    env: {
      LD_LIBRARY_PATH: [path.join(dir, 'lib'), process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(':'),
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
  }
}
