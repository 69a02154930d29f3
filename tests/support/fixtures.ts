/**
 * Inserting members or clerks straight into the database, as a fixture: each one bound to an
 * openid also gets its openid claim (shared/platform/claims), as bindMember / bindStaffInvite
 * write it, so a later bind of the same openid behaves as it would in production.
 */
import { COLLECTIONS } from '../../shared/collections'
import { openidClaim, type OpenidRole } from '../../shared/platform/claims/claims'
import type { TestStack } from './local-stack'

type Database = TestStack['db']

type Bound = { _id: string; openid?: string } & Record<string, unknown>

async function addBound(db: Database, role: OpenidRole, docs: Bound | Bound[]): Promise<void> {
  const list = Array.isArray(docs) ? docs : [docs]
  const collection = role === 'member' ? COLLECTIONS.members.name : COLLECTIONS.clerks.name
  await db.collection(collection).add(list)
  const claims = list.flatMap((d) =>
    d.openid ? [openidClaim(role, d.openid, d._id, new Date())] : [],
  )
  if (claims.length > 0) await db.collection(COLLECTIONS.openidClaims.name).add(claims)
}

/** Adds members (each with an `_id`) and the claims of those with an openid. */
export const addMembers = (db: Database, docs: Bound | Bound[]) => addBound(db, 'member', docs)

/** Adds clerks (each with an `_id`) and the claims of those with an openid. */
export const addClerks = (db: Database, docs: Bound | Bound[]) => addBound(db, 'clerk', docs)
