/**
 * Prototype pollution guard: `JSON.parse('{"__proto__":{…}}')` makes an own `__proto__` key, which
 * a later merge or `Object.assign` turns into a change of the prototype. No input of the API has a
 * field by these names, so any object key among them, at any depth, is refused before validation.
 */
export const FORBIDDEN_INPUT_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
])

/** The dotted path of the first forbidden key in `value` (arrays by index), or null. */
export function findForbiddenKey(value: unknown): string | null {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }]
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!
    if (typeof current !== 'object' || current === null) continue
    for (const key of Object.keys(current)) {
      const at = path === '' ? key : `${path}.${key}`
      if (FORBIDDEN_INPUT_KEYS.has(key)) return at
      stack.push({ value: (current as Record<string, unknown>)[key], path: at })
    }
  }
  return null
}
