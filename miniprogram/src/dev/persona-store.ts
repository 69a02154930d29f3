/**
 * H5 only: which demo identity the local stack should treat as "the WeChat user".
 * The chosen persona is kept in localStorage so a reload keeps it, and sent as `x-openid` on
 * every function call. Never part of the WeChat build (see api/index.ts and components/page-shell).
 */
import { defaultPersona, parsePersonas, type Persona } from './personas'

export { personaLabel, ROLE_LABELS, storeLabels, type Persona } from './personas'

const STORAGE_KEY = 'o2o.dev.persona'

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
