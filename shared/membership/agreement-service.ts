/**
 * The member agreement and the privacy policy: what HQ last saved, or the default text
 * (./rules/agreements.ts). Anyone in the mini-program reads them (before opening a card too).
 */
import { COLLECTIONS } from '../collections'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import {
  AGREEMENT_KINDS,
  AGREEMENT_SETTINGS_ID,
  DEFAULT_AGREEMENTS,
  type AgreementKind,
} from './rules/agreements'

interface AgreementDoc {
  _id: string
  title: string
  body: string
  updatedAt: Date
  updatedBy: string
}

export interface AgreementView {
  kind: AgreementKind
  title: string
  body: string
  /** When HQ last saved it; null while the default text applies. */
  updatedAt: string | null
}

function viewOf(kind: AgreementKind, doc: AgreementDoc | undefined): AgreementView {
  return doc
    ? { kind, title: doc.title, body: doc.body, updatedAt: doc.updatedAt.toISOString() }
    : { kind, ...DEFAULT_AGREEMENTS[kind], updatedAt: null }
}

export async function agreement(kind: AgreementKind): Promise<AgreementView> {
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc(AGREEMENT_SETTINGS_ID[kind])
    .get()) as { data: AgreementDoc[] }
  return viewOf(kind, res.data[0])
}

/** Both texts, for the console's editor: one round trip. */
export async function agreements(): Promise<{ items: AgreementView[] }> {
  const db = database()
  const res = (await db
    .collection(COLLECTIONS.settings.name)
    .where({ _id: db.command.in(AGREEMENT_KINDS.map((k) => AGREEMENT_SETTINGS_ID[k])) })
    .limit(AGREEMENT_KINDS.length)
    .get()) as { data: AgreementDoc[] }
  const byId = new Map(res.data.map((d) => [d._id, d]))
  return { items: AGREEMENT_KINDS.map((k) => viewOf(k, byId.get(AGREEMENT_SETTINGS_ID[k]))) }
}

/** HQ saves a text (the admin function audits the request). The latest save wins. */
export async function saveAgreement(
  ctx: InvocationContext,
  input: { kind: AgreementKind; title: string; body: string },
  by: string,
): Promise<AgreementView> {
  const doc = {
    title: input.title,
    body: input.body,
    updatedAt: ctx.clock.now(),
    updatedBy: by,
  }
  await database()
    .collection(COLLECTIONS.settings.name)
    .doc(AGREEMENT_SETTINGS_ID[input.kind])
    .set(doc)
  return viewOf(input.kind, { _id: AGREEMENT_SETTINGS_ID[input.kind], ...doc })
}
