/**
 * Newest-first cursors for infinite lists: `<epoch ms>.<id>` of the last item shown. Unlike an
 * offset, a cursor does not shift when new entries arrive at the top while someone scrolls.
 */
import type { Database } from '../runtime/cloudbase'

export function cursorOf(at: Date, id: string): string {
  return `${at.getTime()}.${id}`
}

/** The condition for items strictly after `cursor` in (field desc, _id desc) order. */
export function afterCursor(db: Database, field: string, cursor: string | undefined): Record<string, unknown> | null {
  if (!cursor) return null
  const dot = cursor.indexOf('.')
  const at = new Date(Number(cursor.slice(0, dot)))
  const id = cursor.slice(dot + 1)
  const _ = db.command
  return _.or([{ [field]: _.lt(at) }, { [field]: at, _id: _.lt(id) }]) as unknown as Record<string, unknown>
}
