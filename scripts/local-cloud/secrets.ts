/**
 * Secrets of the local stack, generated once per data folder and kept beside the data
 * (`<DATA_DIR>/secrets.json`), so codes printed yesterday still verify today. In production
 * the same names are environment variables of the functions (README, "Deploying").
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface LocalSecrets {
  SCENE_SECRET: string
  MEMBER_CODE_SECRET: string
  SESSION_SECRET: string
  /** The mini-program's app secret in the WeChat sandbox (WECHAT_SECRET). */
  WECHAT_SECRET: string
}

const NAMES: (keyof LocalSecrets)[] = [
  'SCENE_SECRET',
  'MEMBER_CODE_SECRET',
  'SESSION_SECRET',
  'WECHAT_SECRET',
]

export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, 'secrets.json')
  const existing = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {}
  const secrets = { ...existing } as LocalSecrets
  let changed = false
  for (const name of NAMES) {
    if (!secrets[name]) {
      secrets[name] = randomBytes(32).toString('base64url')
      changed = true
    }
  }
  if (changed) writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}
