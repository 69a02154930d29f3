import { Input, View } from '@tarojs/components'
import './index.scss'

interface FormFieldProps {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
  placeholder?: string
  type?: 'text' | 'number' | 'digit'
  maxlength?: number
  /** Shown under the field when set. */
  error?: string
  /** Shown under the field when there is no error, e.g. the parsed amount. */
  hint?: string
  /** A small action at the end of the field, e.g. "扫码". */
  action?: { text: string; onTap: () => void }
}

export function FormField({
  id,
  label,
  value,
  onChange,
  placeholder,
  type = 'text',
  maxlength,
  error,
  hint,
  action,
}: FormFieldProps) {
  return (
    <View className="form-field">
      <View className="form-field__label">{label}</View>
      <View className="form-field__row">
        <Input
          id={id}
          className="form-field__input"
          type={type}
          maxlength={maxlength}
          placeholder={placeholder}
          value={value}
          onInput={(e) => onChange(e.detail.value)}
        />
        {action && (
          <View className="form-field__action" onClick={action.onTap}>
            {action.text}
          </View>
        )}
      </View>
      {error ? (
        <View className="form-field__error">{error}</View>
      ) : hint ? (
        <View className="form-field__hint">{hint}</View>
      ) : null}
    </View>
  )
}
