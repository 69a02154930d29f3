/**
 * Starts the real local stack for a test file: a free port, a fresh temporary data folder,
 * the bundled functions (built on the fly when missing, e.g. when one file is run by hand).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildFunctions, readManifest } from '../../scripts/build-functions'
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

let builtDir: Promise<string> | undefined

/**
 * The folder of bundled functions to run: dist/cloudfunctions when it is complete and newer
 * than the sources (npm test builds it first); otherwise a private build for this test process,
 * so a test run by hand never runs stale code and parallel workers never race on one folder.
 */
export function ensureFunctionsBuilt(): Promise<string> {
  builtDir ??= (async () => {
    const dist = path.join(root, 'dist', 'cloudfunctions')
    const manifest = readManifest()
    const sources = Math.max(
      newestSourceMtime(path.join(root, 'shared')),
      newestSourceMtime(path.join(root, 'cloudfunctions')),
    )
    const fresh = manifest.every((fn) => {
      const bundle = path.join(dist, fn.name, 'index.js')
      return existsSync(bundle) && statSync(bundle).mtimeMs >= sources
    })
    if (fresh) return dist
    const privateDir = mkdtempSync(path.join(os.tmpdir(), 'o2o-functions-'))
    await buildFunctions(privateDir)
    return privateDir
  })()
  return builtDir
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
  const functionsDir = await ensureFunctionsBuilt()
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'o2o-stack-'))
  const stack = await startLocalStack({
    port: 0,
    seed: false,
    functionsDir,
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
