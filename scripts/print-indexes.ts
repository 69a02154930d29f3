/**
 * Prints the collections and indexes that production needs, from shared/db/collections.ts:
 * `npm run indexes` (markdown table, as in README) or `npm run indexes -- --json`.
 */
import { ALL_COLLECTIONS } from '../shared/db/collections'

export function indexTableMarkdown(): string {
  const rows = ['| collection | index name | fields (ascending) | unique | sparse |', '| --- | --- | --- | --- | --- |']
  for (const coll of ALL_COLLECTIONS) {
    if (coll.indexes.length === 0) rows.push(`| \`${coll.name}\` | (only \`_id\`) | | | |`)
    for (const index of coll.indexes) {
      rows.push(
        `| \`${coll.name}\` | \`${index.name}\` | ${index.fields.map((f) => `\`${f}\``).join(', ')} | ${index.unique ? 'yes' : ''} | ${index.sparse ? 'yes' : ''} |`,
      )
    }
  }
  return rows.join('\n')
}

if (require.main === module) {
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(ALL_COLLECTIONS, null, 2)}\n`)
  else process.stdout.write(`${indexTableMarkdown()}\n`)
}
