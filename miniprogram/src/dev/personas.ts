/**
 * The local stack's demo identities (`GET /dev/personas`), as the H5 persona switcher shows them.
 * Pure functions; the browser storage around them is persona-store.ts.
 */
export type PersonaRole = 'member' | 'clerk' | 'manager'

export interface Persona {
  openid: string
  role: PersonaRole
  name: string
  storeId: string | null
}

const ROLES: readonly PersonaRole[] = ['member', 'clerk', 'manager']

export const ROLE_LABELS: Record<PersonaRole, string> = {
  member: '顾客',
  clerk: '店员',
  manager: '店长',
}

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

/** "顾客 A（林女士）" already says its role; "王小美" gets "店员 · 王小美". */
export function personaLabel(persona: Persona): string {
  const role = ROLE_LABELS[persona.role]
  return persona.name.startsWith(role) ? persona.name : `${role} · ${persona.name}`
}

/** Store ids are opaque; number the stores in the order the list first mentions them. */
export function storeLabels(personas: readonly Persona[]): Map<string, string> {
  const labels = new Map<string, string>()
  for (const persona of personas) {
    if (persona.storeId !== null && !labels.has(persona.storeId))
      labels.set(persona.storeId, `门店 ${labels.size + 1}`)
  }
  return labels
}
