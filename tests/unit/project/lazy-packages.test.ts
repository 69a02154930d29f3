/**
 * Packages loaded on first use (scripts/build-functions.ts LAZY_PACKAGES): the build keeps them
 * out of index.js, bundles each into lazy/<package>.js inside the function folder (which must be
 * self-contained on CloudBase), and refuses a static import that would put one back into every
 * cold start. The built folder is required from a copy elsewhere, where no node_modules is near.
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bundleFunction, lazyFileOf } from '../../../scripts/build-functions'

const root = path.resolve(__dirname, '..', '..', '..')

describe('lazily loaded packages in a function bundle', () => {
  // Entries inside the repository, so `pngjs` resolves as it does for shared/.
  const sources = path.join(root, '.build', `lazy-test-${process.pid}`)
  const outside = mkdtempSync(path.join(os.tmpdir(), 'lazy-bundle-'))

  beforeAll(() => mkdirSync(sources, { recursive: true }))
  afterAll(() => {
    rmSync(sources, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it('a require() inside a function goes to lazy/, loaded only when called', async () => {
    const entry = path.join(sources, 'lazy.ts')
    writeFileSync(
      entry,
      [
        'export function decoderKind(): string {',
        "  return typeof (require('pngjs') as { PNG: { sync: { read: unknown } } }).PNG.sync.read",
        '}',
        '',
      ].join('\n'),
    )
    const built = await bundleFunction({ name: 'lazy' }, entry, path.join(sources, 'out'))
    expect(built.lazy.map((l) => l.package)).toEqual(['pngjs'])
    expect(Object.keys(built.inputs).some((input) => input.includes('node_modules/pngjs'))).toBe(
      false,
    )
    expect(Object.keys(built.lazy[0]!.inputs).some((i) => i.includes('node_modules/pngjs'))).toBe(
      true,
    )

    const deployed = path.join(outside, 'lazy')
    cpSync(path.join(sources, 'out'), deployed, { recursive: true })
    const lazyFile = path.join(deployed, lazyFileOf('pngjs'))
    expect(existsSync(lazyFile)).toBe(true)
    expect(readFileSync(path.join(deployed, 'index.js'), 'utf8')).toContain(
      `require("./${lazyFileOf('pngjs')}")`,
    )
    // In a plain node process, as CloudBase loads it: lazy/ is read on the first call, not before.
    const script = `
      const fn = require(${JSON.stringify(path.join(deployed, 'index.js'))})
      const before = ${JSON.stringify(lazyFile)} in require.cache
      const name = fn.decoderKind()
      process.stdout.write(JSON.stringify({ before, name, after: ${JSON.stringify(lazyFile)} in require.cache }))`
    const seen = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: outside, encoding: 'utf8' }),
    ) as { before: boolean; name: string; after: boolean }
    expect(seen).toEqual({ before: false, name: 'function', after: true })
  })

  it('a static import of a lazily loaded package fails the build', async () => {
    const entry = path.join(sources, 'eager.ts')
    writeFileSync(entry, "import { PNG } from 'pngjs'\nexport const name = PNG.name\n")
    await expect(
      bundleFunction({ name: 'eager' }, entry, path.join(sources, 'eager-out')),
    ).rejects.toThrow(/pngjs is loaded on first use/)
  })
})
