/**
 * Newest-first cursors for infinite lists: `<epoch ms>.<id>` of the last item shown. Unlike an
 * offset, a cursor does not shift when new entries arrive at the top while someone scrolls.
 */
import type { Database } from '../runtime/cloudbase'
import type { StoredDoc } from './collection-spec'
import type { TypedCollection, Where } from './collection'

/**
 * One server-side page of a console table (page numbers, a sort, a total), the page and the
 * count read in parallel: two round trips however deep the page.
 */
export async function offsetPage<T extends StoredDoc>(
  collection: TypedCollection<T>,
  where: Where<T>,
  input: { page: number; pageSize: number; sortBy: string; sortOrder: 'asc' | 'desc' },
): Promise<{ rows: T[]; total: number }> {
  const [rows, total] = await Promise.all([
    collection.find(where, {
      orderBy: [input.sortBy, input.sortOrder],
      skip: (input.page - 1) * input.pageSize,
      limit: input.pageSize,
    }),
    collection.count(where),
  ])
  return { rows, total }
}

export function cursorOf(at: Date, id: string): string {
  return `${at.getTime()}.${id}`
}

/** The condition for items strictly after `cursor` in (field desc, _id desc) order. */
export function afterCursor(
  db: Database,
  field: string,
  cursor: string | undefined,
): Record<string, unknown> | null {
  if (!cursor) return null
  const dot = cursor.indexOf('.')
  const at = new Date(Number(cursor.slice(0, dot)))
  const id = cursor.slice(dot + 1)
  const _ = db.command
  return _.or([{ [field]: _.lt(at) }, { [field]: at, _id: _.lt(id) }]) as unknown as Record<
    string,
    unknown
  >
}
