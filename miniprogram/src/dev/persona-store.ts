/**
 * H5 only: which demo identity the local stack should treat as "the WeChat user".
 * The local stack lists its demo identities at `GET /dev/personas`; the chosen one is kept in
 * localStorage so a reload keeps it, and sent as `x-openid` on every function call.
 * Never part of the WeChat build (see api/index.ts and components/page-shell).
 */
export type PersonaRole = 'member' | 'clerk' | 'manager'

export interface Persona {
  openid: string
  role: PersonaRole
  name: string
  storeId: string | null
}

const STORAGE_KEY = 'o2o.dev.persona'
const ROLES: readonly PersonaRole[] = ['member', 'clerk', 'manager']

export const ROLE_LABELS: Record<PersonaRole, string> = { member: '顾客', clerk: '店员', manager: '店长' }

/** Keeps the well-formed entries of `GET /dev/personas`; a malformed one is skipped, not fatal. */
export function parsePersonas(body: unknown): Persona[] {
  const list = (body as { personas?: unknown } | null)?.personas
  if (!Array.isArray(list)) return []
  return list.flatMap((entry): Persona[] => {
    const { openid, role, name, storeId } = (entry ?? {}) as Record<string, unknown>
    if (typeof openid !== 'string' || openid === '') return []
    if (typeof role !== 'string' || !ROLES.includes(role as PersonaRole)) return []
    return [
      {
        openid,
        role: role as PersonaRole,
        name: typeof name === 'string' && name !== '' ? name : openid,
        storeId: typeof storeId === 'string' ? storeId : null,
      },
    ]
  })
}

/** The persona a fresh browser starts as: the first shopper, like a WeChat user who just opened the app. */
export function defaultPersona(personas: readonly Persona[]): Persona | undefined {
  return personas.find((p) => p.role === 'member') ?? personas[0]
}

let personasRequest: Promise<Persona[]> | undefined

export function loadPersonas(): Promise<Persona[]> {
  personasRequest ??= fetch('/dev/personas')
    .then((response) => (response.ok ? response.json() : { personas: [] }))
    .then(parsePersonas)
    .catch(() => {
      // Let the next caller try again instead of caching a failure.
      personasRequest = undefined
      return []
    })
  return personasRequest
}

export function storedPersona(): Persona | undefined {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY)
    return raw === null ? undefined : parsePersonas({ personas: [JSON.parse(raw)] })[0]
  } catch {
    return undefined
  }
}

export function choosePersona(persona: Persona): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(persona))
}

/** The openid to send; picks and remembers the default persona on first use. */
export async function activeOpenid(): Promise<string | undefined> {
  const stored = storedPersona()
  if (stored !== undefined) return stored.openid
  const fallback = defaultPersona(await loadPersonas())
  if (fallback === undefined) return undefined
  choosePersona(fallback)
  return fallback.openid
}
