import { pingInput, pingOutput } from '../../shared/platform/ping/contract'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { recordPing } from '../../shared/platform/ping/ping-service'

export const main = defineFunction({
  name: 'ping',
  input: pingInput,
  output: pingOutput,
  policy: {
    ping: 'public',
  },
  handlers: {
    ping: (ctx, input) => recordPing(ctx, input.note),
  },
})
