/**
 * The local stack's fixtures (scripts/local-cloud/fixtures) are never deployable: outside
 * cloudfunctions/ and cloudbaserc.json, with their own HTTP access and collections, bundled into
 * their own folder and run by the function host from there, after the deployable functions.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readHttpAccess, readManifest } from '../../../scripts/build-functions'
import {
  checkFixtures,
  fixtureCollections,
  fixtureHttpAccess,
  LOCAL_FIXTURES,
} from '../../../scripts/local-cloud/fixtures'
import { FunctionHost } from '../../../scripts/local-cloud/function-host'
import { ALL_COLLECTIONS } from '../../../shared/collections'

const root = path.resolve(__dirname, '..', '..', '..')

describe('local-stack fixtures', () => {
  it('the payment probe is one, with its own HTTP access and collection, none of them deployable', () => {
    expect(LOCAL_FIXTURES.map((f) => f.name)).toEqual(['payprobe'])
    expect(fixtureHttpAccess()).toEqual([{ path: '/payprobe/notify', function: 'payprobe' }])
    expect(fixtureCollections().map((c) => c.name)).toEqual(['payProbes'])
    const deployable = readdirSync(path.join(root, 'cloudfunctions'))
    for (const fixture of LOCAL_FIXTURES) {
      expect(deployable).not.toContain(fixture.name)
      expect(readManifest().map((fn) => fn.name)).not.toContain(fixture.name)
    }
    expect(ALL_COLLECTIONS.map((c) => c.name)).not.toContain('payProbes')
    expect(() => checkFixtures(readManifest(), readHttpAccess(), ALL_COLLECTIONS)).not.toThrow()
  })

  it('a fixture that would shadow a deployable function, its HTTP access or a collection is refused', () => {
    expect(() => checkFixtures([{ name: 'payprobe' }], [], [])).toThrow(/deployable function/)
    expect(() => checkFixtures([], [{ path: '/payprobe/notify', function: 'pay' }], [])).toThrow(
      /HTTP access/,
    )
    expect(() => checkFixtures([], [], [{ name: 'payProbes', indexes: [] }])).toThrow(
      /collection payProbes/,
    )
  })

  it('the function host runs a fixture from its extra folder; a deployable function of the same name wins', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'o2o-fixture-host-'))
    const write = (dir: string, name: string, answer: string) => {
      mkdirSync(path.join(base, dir, name), { recursive: true })
      writeFileSync(
        path.join(base, dir, name, 'index.js'),
        `exports.main = async () => (${JSON.stringify({ ok: true, data: answer })})\n`,
      )
    }
    try {
      write('functions', 'real', 'deployed')
      write('fixtures', 'real', 'fixture')
      write('fixtures', 'helper', 'fixture')
      const host = new FunctionHost({
        functionsDir: path.join(base, 'functions'),
        fixturesDir: path.join(base, 'fixtures'),
        serviceUrl: 'http://127.0.0.1:1/admin',
      })
      await expect(host.invoke('real', {})).resolves.toEqual({ ok: true, data: 'deployed' })
      await expect(host.invoke('helper', {})).resolves.toEqual({ ok: true, data: 'fixture' })
      expect(host.has('missing')).toBe(false)
      const without = new FunctionHost({
        functionsDir: path.join(base, 'functions'),
        serviceUrl: 'http://127.0.0.1:1/admin',
      })
      expect(without.has('helper')).toBe(false)
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  })
})
