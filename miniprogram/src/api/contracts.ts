/**
 * The cloud functions the mini-program calls, each with the contract its function publishes in
 * shared/contract/<fn>.ts (`<fn>Input` / `<fn>Output`: action name → zod schema).
 *
 * Imports are type-only: the client takes its input and output types from the schemas, while
 * zod itself stays out of the bundle (the function validates input; the client trusts output).
 * Adding a function is one line in `Contracts`.
 */
import type { z } from 'zod'
import type { chatInput, chatOutput } from '../../../shared/chat/contract'
import type { memberInput, memberOutput } from '../../../shared/membership/contract'
import type { shopInput, shopOutput } from '../../../shared/shop/contract'
import type { pingInput, pingOutput } from '../../../shared/platform/ping/contract'
import type { pointsInput, pointsOutput } from '../../../shared/points/contract'
import type { staffInput, staffOutput } from '../../../shared/staff/contract'

/** What every shared/contract/<fn>.ts provides. */
export interface FunctionContract {
  input: Record<string, z.ZodType>
  output: Record<string, z.ZodType>
}

export type Contracts = {
  ping: { input: typeof pingInput; output: typeof pingOutput }
  member: { input: typeof memberInput; output: typeof memberOutput }
  staff: { input: typeof staffInput; output: typeof staffOutput }
  points: { input: typeof pointsInput; output: typeof pointsOutput }
  chat: { input: typeof chatInput; output: typeof chatOutput }
  shop: { input: typeof shopInput; output: typeof shopOutput }
}

export type ContractMap = Record<string, FunctionContract>

export type FunctionName<C extends ContractMap> = keyof C & string

/** Actions that have both an input and an output schema. */
export type ActionName<C extends ContractMap, F extends FunctionName<C>> = keyof C[F]['input'] &
  keyof C[F]['output'] &
  string

export type InputOf<
  C extends ContractMap,
  F extends FunctionName<C>,
  A extends ActionName<C, F>,
> = z.input<C[F]['input'][A]>

export type OutputOf<
  C extends ContractMap,
  F extends FunctionName<C>,
  A extends ActionName<C, F>,
> = z.output<C[F]['output'][A]>
