import { pingInput, pingOutput } from '../../shared/contract/ping'
import { defineFunction } from '../../shared/runtime/define-function'
import { recordPing } from '../../shared/services/ping-service'

export const main = defineFunction({
  name: 'ping',
  input: pingInput,
  output: pingOutput,
  handlers: {
    ping: (ctx, input) => recordPing(ctx, input.note),
  },
})
