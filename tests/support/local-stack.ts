/**
 * Starts the real local stack for a test file: a free port, a fresh temporary data folder,
 * the bundled functions and the local stack's fixtures (built on the fly when missing, e.g. when
 * one file is run by hand).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildFunctions, readManifest } from '../../scripts/build-functions'
import {
  buildLocalFixtures,
  FIXTURES_OUT_DIR,
  FIXTURES_SOURCE_DIR,
  LOCAL_FIXTURES,
} from '../../scripts/local-cloud/fixtures'
import {
  startLocalStack,
  type LocalStack,
  type LocalStackOptions,
} from '../../scripts/local-cloud/stack'

const root = path.resolve(__dirname, '..', '..')

export const TEST_ADMIN_PASSWORD = 'test-admin-password'

function newestSourceMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full))
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs)
  }
  return newest
}

export interface BuiltBundles {
  /** The deployable functions (dist/cloudfunctions or a private build of them). */
  functionsDir: string
  /** The local stack's fixtures (dist/local-fixtures or a private build of them). */
  fixturesDir: string
}

let built: Promise<BuiltBundles> | undefined

const fresh = (dir: string, names: string[], sources: number) =>
  names.every((name) => {
    const bundle = path.join(dir, name, 'index.js')
    return existsSync(bundle) && statSync(bundle).mtimeMs >= sources
  })

/**
 * The folders of bundles to run: dist/cloudfunctions and dist/local-fixtures when each is
 * complete and newer than its sources (npm test builds them first); otherwise a private build
 * for this test process, so a test run by hand never runs stale code and parallel workers never
 * race on one folder.
 */
export function ensureFunctionsBuilt(): Promise<BuiltBundles> {
  built ??= (async () => {
    const shared = newestSourceMtime(path.join(root, 'shared'))
    const functionSources = Math.max(shared, newestSourceMtime(path.join(root, 'cloudfunctions')))
    const fixtureSources = Math.max(shared, newestSourceMtime(FIXTURES_SOURCE_DIR))
    const names = (list: readonly { name: string }[]) => list.map((fn) => fn.name)
    let functionsDir = path.join(root, 'dist', 'cloudfunctions')
    let fixturesDir = FIXTURES_OUT_DIR
    if (!fresh(functionsDir, names(readManifest()), functionSources)) {
      functionsDir = mkdtempSync(path.join(os.tmpdir(), 'o2o-functions-'))
      await buildFunctions(functionsDir)
    }
    if (!fresh(fixturesDir, names(LOCAL_FIXTURES), fixtureSources)) {
      fixturesDir = mkdtempSync(path.join(os.tmpdir(), 'o2o-fixtures-'))
      await buildLocalFixtures(fixturesDir)
    }
    return { functionsDir, fixturesDir }
  })()
  return built
}

export interface Personas {
  personas: { openid: string; role: string; name: string; storeId: string | null }[]
  codes: { kind: 'store' | 'clerk'; storeId: string; clerkId: string | null; scene: string }[]
}

export interface TestStack extends LocalStack {
  /** The demo identities and code scenes (`GET /dev/personas`). */
  personas(): Promise<Personas>
  /** Signs in to the console as `admin` and returns the bearer token. */
  adminToken(): Promise<string>
  /** POST /fn/admin with the console's bearer token. */
  admin(body: unknown, token?: string): Promise<{ status: number; body: any }>
  /** POST /fn/<name> as a WeChat user (x-openid) or anonymous. */
  call(
    name: string,
    body: unknown,
    init?: { openid?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>
  stop(): Promise<void>
}

export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  process.env.FUNCTION_LOG ??= 'off'
  const { functionsDir, fixturesDir } = await ensureFunctionsBuilt()
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'o2o-stack-'))
  const stack = await startLocalStack({
    port: 0,
    seed: false,
    functionsDir,
    fixturesDir,
    adminPassword: TEST_ADMIN_PASSWORD,
    ...options,
    dataDir,
  })
  let cachedToken: string | undefined
  return Object.assign(stack, {
    async call(
      name: string,
      body: unknown,
      init: { openid?: string; headers?: Record<string, string> } = {},
    ) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...init.headers,
      }
      if (init.openid) headers['x-openid'] = init.openid
      const res = await fetch(`${stack.url}/fn/${name}`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
      const text = await res.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        /* keep the text */
      }
      return { status: res.status, body: parsed as any }
    },
    async personas() {
      return (await (await fetch(`${stack.url}/dev/personas`)).json()) as Personas
    },
    async adminToken() {
      if (cachedToken) return cachedToken
      const res = await this.call('admin', {
        action: 'login',
        username: 'admin',
        password: TEST_ADMIN_PASSWORD,
      })
      if (!res.body.ok) throw new Error(`admin login failed: ${JSON.stringify(res.body)}`)
      cachedToken = res.body.data.token as string
      return cachedToken
    },
    async admin(body: unknown, token?: string) {
      return this.call('admin', body, {
        headers: { authorization: `Bearer ${token ?? (await this.adminToken())}` },
      })
    },
    async stop() {
      stack.setClockOffset(0)
      await stack.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  })
}
