import type { ApiError } from '../errors'

/** The one reply shape of every function: `{ok:true,data}` or `{ok:false,error}`. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ApiError }
