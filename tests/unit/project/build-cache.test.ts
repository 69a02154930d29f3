/** scripts/build-cache.ts: `npm start` and `npm test` rebuild only what changed. */
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildIfStale, HASH_FILE, inputsHash, type BuildSpec } from '../../../scripts/build-cache'

describe('build cache', () => {
  let base: string
  let spec: BuildSpec
  let builds: number
  const build = () =>
    buildIfStale(
      spec,
      base,
      async () => {
        builds++
        mkdirSync(spec.outDir, { recursive: true })
        writeFileSync(path.join(spec.outDir, 'app.js'), `built ${builds}`)
      },
      () => undefined,
    )

  beforeEach(() => {
    base = mkdtempSync(path.join(tmpdir(), 'build-cache-'))
    mkdirSync(path.join(base, 'src', 'nested'), { recursive: true })
    writeFileSync(path.join(base, 'src', 'a.ts'), 'export const a = 1\n')
    writeFileSync(path.join(base, 'src', 'nested', 'b.ts'), 'export const b = 2\n')
    writeFileSync(path.join(base, 'package.json'), '{}\n')
    spec = {
      title: 'demo',
      outDir: path.join(base, 'src', 'dist'), // an output inside an input folder is not an input
      inputs: ['src', 'package.json'],
      config: { target: 'h5' },
      expect: ['app.js'],
    }
    builds = 0
  })
  afterEach(() => rmSync(base, { recursive: true, force: true }))

  it('builds the first time and skips a second run with nothing changed', async () => {
    expect(await build()).toBe('built')
    expect(await build()).toBe('skipped')
    expect(builds).toBe(1)
  })

  it('rebuilds when an input file changes, is added or is removed', async () => {
    await build()
    writeFileSync(path.join(base, 'src', 'nested', 'b.ts'), 'export const b = 3\n')
    expect(await build()).toBe('built')
    writeFileSync(path.join(base, 'src', 'c.ts'), '')
    expect(await build()).toBe('built')
    rmSync(path.join(base, 'src', 'c.ts'))
    expect(await build()).toBe('built')
    expect(await build()).toBe('skipped')
    expect(builds).toBe(4)
  })

  it('rebuilds when the config changes, or when the output is gone', async () => {
    await build()
    spec = { ...spec, config: { target: 'weapp' } }
    expect(await build()).toBe('built')
    rmSync(path.join(spec.outDir, 'app.js'))
    expect(await build()).toBe('built')
    expect(builds).toBe(3)
  })

  it('ignores caches a build writes among its inputs (dot-folders), not dotfiles', async () => {
    await build()
    mkdirSync(path.join(base, 'src', '.swc', 'plugins'), { recursive: true })
    writeFileSync(path.join(base, 'src', '.swc', 'plugins', 'cache.bin'), 'x')
    expect(await build()).toBe('skipped')
    writeFileSync(path.join(base, 'src', '.env'), 'A=1')
    expect(await build()).toBe('built')
  })

  it('records nothing when the build fails, so the next run builds again', async () => {
    await expect(
      buildIfStale(
        spec,
        base,
        () => Promise.reject(new Error('syntax error')),
        () => undefined,
      ),
    ).rejects.toThrow('syntax error')
    expect(await build()).toBe('built')
  })

  it('a renamed file changes the hash even with the same contents', () => {
    const before = inputsHash(spec, base)
    rmSync(path.join(base, 'src', 'a.ts'))
    writeFileSync(path.join(base, 'src', 'a2.ts'), 'export const a = 1\n')
    expect(inputsHash(spec, base)).not.toBe(before)
  })

  it('keeps the hash beside the output', async () => {
    await build()
    expect(existsSync(path.join(spec.outDir, HASH_FILE))).toBe(true)
  })
})
