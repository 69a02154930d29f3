/**
 * The floor of a function's cold start: a bundle holding only `@cloudbase/node-sdk`, built with
 * the functions' settings and required side by side with them (scripts/bench/functions.ts).
 */
import tcb from '@cloudbase/node-sdk'

export const main = () => tcb.init({ env: tcb.SYMBOL_CURRENT_ENV })
