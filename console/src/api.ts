/**
 * The console's one API client: `admin` actions through the same contract as the mini-program
 * (shared/contract/admin.ts). Locally it posts to the stack's `/fn/admin`; deployed, to the
 * CloudBase HTTP access path given at build time (CONSOLE_API_URL).
 */
import type { z } from 'zod'
import type { adminInput, adminOutput } from '../../shared/hq/contract'
import type { FormInstance } from 'antd'
import type { NamePath } from 'antd/es/form/interface'
import type { ApiError } from '../../shared/platform/errors'

declare const __CONSOLE_API_URL__: string

type Actions = typeof adminInput
export type AdminAction = keyof Actions
export type AdminParams<A extends AdminAction> = z.input<Actions[A]>
export type AdminResult<A extends AdminAction> = z.output<(typeof adminOutput)[A]>

const SESSION_KEY = 'o2o.console.session'

export interface Session {
  token: string
  username: string
  displayName: string
  role: AdminResult<'login'>['role']
  /** A store manager's stores. */
  storeIds: string[]
  expiresAt: string
}

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY)
    if (!raw) return null
    const session = JSON.parse(raw) as Session
    // A session saved before the four roles: sign in again for the role and stores.
    if (!Array.isArray(session.storeIds)) return null
    return new Date(session.expiresAt).getTime() > Date.now() ? session : null
  } catch {
    return null
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session))
  else localStorage.removeItem(SESSION_KEY)
}

const MESSAGES: Record<string, string> = {
  INVALID_INPUT: '输入有误',
  UNAUTHENTICATED: '请重新登录',
  FORBIDDEN: '没有权限',
  NOT_FOUND: '找不到对应的数据',
  CONFLICT: '操作冲突',
  PAYLOAD_TOO_LARGE: '提交的内容太大',
  RATE_LIMITED: '操作过于频繁',
  INTERNAL: '服务器开小差了，请稍后重试',
}

/**
 * Shows a refused input on its form field (the server names it in `field`: `name`,
 * `segment.pointsMax`), so the person reads the message where they typed. `fields` maps a server
 * field to the form's name when the two differ. Returns false when the form has no such field
 * (then the caller shows the message another way).
 */
export function showOnField(
  form: FormInstance | undefined,
  failure: ApiFailure,
  fields: Record<string, NamePath> | ((field: string) => NamePath) = {},
): boolean {
  if (!form || !failure.field) return false
  const name =
    (typeof fields === 'function' ? fields(failure.field) : fields[failure.field]) ??
    failure.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  form.setFields([{ name, errors: [failure.message] }])
  if (form.getFieldError(name).length === 0) return false
  form.scrollToField(name)
  return true
}

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

let onUnauthenticated: () => void = () => undefined
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler
}

export async function callAdmin<A extends AdminAction>(
  action: A,
  params: AdminParams<A> = {} as AdminParams<A>,
): Promise<AdminResult<A>> {
  const session = loadSession()
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (session && action !== 'login') headers.authorization = `Bearer ${session.token}`
  let response: Response
  try {
    response = await fetch(__CONSOLE_API_URL__, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action, ...params }),
    })
  } catch {
    throw new ApiFailure('NETWORK', '网络连接失败，请检查网络后重试')
  }
  let body: { ok: boolean; data?: unknown; error?: ApiError }
  try {
    body = (await response.json()) as typeof body
  } catch {
    throw new ApiFailure('INTERNAL', `服务器返回了无法识别的内容（HTTP ${response.status}）`)
  }
  if (!body.ok) {
    const error = body.error ?? { code: 'INTERNAL', message: '' }
    if (error.code === 'UNAUTHENTICATED' && action !== 'login') {
      saveSession(null)
      onUnauthenticated()
    }
    throw new ApiFailure(
      error.code,
      error.message || MESSAGES[error.code] || '操作失败',
      error.field,
    )
  }
  return body.data as AdminResult<A>
}

/** Saves a base64 PNG (a mini-program code) as a file download. */
export function downloadPng(base64: string, filename: string): void {
  const link = document.createElement('a')
  link.href = `data:image/png;base64,${base64}`
  link.download = filename
  document.body.appendChild(link)
  link.click()
  link.remove()
}

/**
 * Saves CSV text as a file download. Excel needs a UTF-8 BOM to read Chinese right; the server's
 * CSVs start with one already, so it is added only when missing (never twice).
 */
export function downloadCsv(csv: string, filename: string): void {
  const blob = new Blob([csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`], {
    type: 'text/csv;charset=utf-8',
  })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.appendChild(link)
  link.click()
  link.remove()
  URL.revokeObjectURL(url)
}
