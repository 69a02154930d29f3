/**
 * A number field's checks, in words under the field. The console never changes what the operator
 * typed: no InputNumber min/max/precision (they clamp or round on blur, so -50 became 1 and 1.5
 * became 2 behind the operator's back). A value out of range or with too many decimals is refused
 * here with the field's label, and the server's contract refuses it again (its message lands on the
 * same field through showOnField), so the limits below follow the contract's.
 */
import type { Rule } from 'antd/es/form'

export interface NumberLimits {
  min?: number
  max?: number
  /** Decimals allowed: 0 for whole numbers (the default), 2 for yuan. */
  decimals?: number
  /** False when the field may stay empty. */
  required?: boolean
}

/** The message for `value`, or null when it is fine (empty counts as fine unless required). */
export function numberProblem(
  label: string,
  value: unknown,
  { min, max, decimals = 0, required = true }: NumberLimits,
): string | null {
  if (value === null || value === undefined || value === '')
    return required ? `请填写${label}` : null
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(n)) return `${label}必须是数字`
  if (decimals === 0 && !Number.isInteger(n)) return `${label}必须是整数`
  if (decimals > 0 && !Number.isInteger(Number((n * 10 ** decimals).toFixed(6))))
    return `${label}最多保留 ${decimals} 位小数`
  if (min !== undefined && n < min) return `${label}不能小于 ${min}`
  if (max !== undefined && n > max) return `${label}不能大于 ${max}`
  return null
}

/** The antd Form rule for a number field. */
export function numberRules(label: string, limits: NumberLimits = {}): Rule[] {
  return [
    {
      // `required` marks the label with antd's asterisk; the validator says what is wrong.
      required: limits.required ?? true,
      validator: (_rule, value: unknown) => {
        const problem = numberProblem(label, value, limits)
        return problem ? Promise.reject(new Error(problem)) : Promise.resolve()
      },
    },
  ]
}
