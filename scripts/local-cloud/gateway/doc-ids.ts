/** Document ids: which values may be an `_id`, the key each is stored under, and new ids. */
import { randomBytes } from 'node:crypto'
import { isObjectId, type DocId } from './ejson'
import { ERR } from './errors'

/** Whether a value may be an `_id`: a string, a finite number or an ObjectId. */
export function isDocId(value: unknown): value is DocId {
  return (
    (typeof value === 'string' && value !== '') ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    isObjectId(value)
  )
}

/** The key a document is stored and indexed under: its `_id`, with the type kept apart. */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return id
  if (typeof id === 'number') return `\u0001n${id}`
  if (isObjectId(id)) return `\u0001o${id.toHexString()}`
  throw ERR.invalid('_id must be a string, a number or an ObjectId')
}

export function newId(): string {
  // Time-ordered like CloudBase's ids: 8 hex chars of seconds, then 24 random hex chars.
  return (
    Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0') + randomBytes(12).toString('hex')
  )
}
