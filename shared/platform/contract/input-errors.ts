/**
 * What a person reads when their input is refused: Chinese, without field paths (the path travels
 * separately as `field`, so a form can show the message under the right box).
 *
 * A schema's own message (`z.string().regex(…, '会员号为 9 位数字')`) is kept as written. Zod's
 * generic messages are English and technical ("Too small: expected string to have >=1
 * characters"); they are rewritten here in plain words, prefixed by the field's label when the
 * schema describes it (`z.string().describe('门店名称')` → "门店名称不能为空").
 */
import type { z } from 'zod'

type Issue = z.core.$ZodIssue

const HAN = /[\u3400-\u9fff]/

/** The schema at `path` inside `schema`, looking through optional, nullable, default and pipes. */
function schemaAt(
  schema: z.core.$ZodType | undefined,
  path: PropertyKey[],
): z.core.$ZodType | null {
  let current = schema
  const unwrap = (s: z.core.$ZodType | undefined) => {
    let inner = s
    for (let i = 0; inner && i < 10; i += 1) {
      const def = inner._zod.def as {
        type: string
        innerType?: z.core.$ZodType
        in?: z.core.$ZodType
      }
      if (def.innerType) inner = def.innerType
      else if (def.type === 'pipe' && def.in) inner = def.in
      else break
    }
    return inner
  }
  for (const key of path) {
    current = unwrap(current)
    if (!current) return null
    const def = current._zod.def as {
      type: string
      shape?: Record<string, z.core.$ZodType>
      element?: z.core.$ZodType
      catchall?: z.core.$ZodType
    }
    if (def.type === 'object' && def.shape) current = def.shape[String(key)] ?? def.catchall
    else if (def.type === 'array' && def.element) current = def.element
    else return null
  }
  return current ?? null
}

function labelOf(schema: z.core.$ZodType | undefined, path: PropertyKey[]): string | null {
  const target = schemaAt(schema, path)
  if (!target) return null
  const describe = (s: z.core.$ZodType) => (s as unknown as { description?: string }).description
  let inner: z.core.$ZodType | undefined = target
  for (let i = 0; inner && i < 10; i += 1) {
    const text = describe(inner)
    if (text) return text
    inner = (inner._zod.def as { innerType?: z.core.$ZodType }).innerType
  }
  return null
}

function unitOf(origin: string | undefined): string {
  if (origin === 'string') return '个字'
  if (origin === 'array' || origin === 'set') return '项'
  return ''
}

/** Zod's issue in plain Chinese, without a subject (the caller adds the label). */
function plainWords(issue: Issue): string {
  switch (issue.code) {
    case 'too_small': {
      const minimum = Number(issue.minimum)
      if (issue.origin === 'string' && minimum <= 1) return '不能为空'
      if (issue.origin === 'array' && minimum <= 1) return '至少选择一项'
      const unit = unitOf(issue.origin)
      return unit ? `至少 ${minimum} ${unit}` : `不能小于 ${minimum}`
    }
    case 'too_big': {
      const unit = unitOf(issue.origin)
      return unit ? `最多 ${Number(issue.maximum)} ${unit}` : `不能大于 ${Number(issue.maximum)}`
    }
    case 'invalid_type':
      // Zod reports no input by default; its message says when nothing was given.
      if (issue.input === undefined && /received undefined/.test(issue.message)) return '必须填写'
      if (issue.expected === 'int') return '必须是整数'
      if (issue.expected === 'number') return '必须是数字'
      if (issue.expected === 'string') return '必须是文字'
      if (issue.expected === 'boolean') return '必须是“是”或“否”'
      return '格式不正确'
    case 'invalid_value':
      return '不是可选的值'
    case 'invalid_format':
      return '格式不正确'
    case 'not_multiple_of':
      return '数值不符合要求'
    case 'unrecognized_keys':
      return '包含不支持的内容'
    default:
      return '填写有误'
  }
}

/** The message and field of the first issue, for an INVALID_INPUT answer. */
export function describeInputIssue(
  error: z.ZodError,
  schema?: z.core.$ZodType,
): { message: string; field: string | undefined } {
  const issue = error.issues[0]
  if (!issue) return { message: '填写的信息有误', field: undefined }
  const path = [...issue.path]
  // An unknown key is reported on the object; name the key itself, which is what was wrong.
  if (issue.code === 'unrecognized_keys' && issue.keys[0]) path.push(issue.keys[0])
  const field = path.map(String).join('.') || undefined
  if (HAN.test(issue.message)) return { message: issue.message, field }
  const label = labelOf(schema, issue.path)
  const words = plainWords(issue)
  return { message: label ? `${label}${words}` : `填写的信息有误：${words}`, field }
}
