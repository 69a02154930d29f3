/**
 * The member agreement and the privacy policy: what HQ last saved, or the default text
 * (./rules/agreements.ts). Anyone in the mini-program reads them (before opening a card too).
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
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

const settings = () => collection(COLLECTIONS.settings)

/** A stored text, or undefined while the default applies. */
function asAgreement(doc: Record<string, unknown> | null | undefined): AgreementDoc | undefined {
  return doc && typeof doc.title === 'string' && typeof doc.body === 'string'
    ? (doc as unknown as AgreementDoc)
    : undefined
}

export async function agreement(kind: AgreementKind): Promise<AgreementView> {
  return viewOf(kind, asAgreement(await settings().get(AGREEMENT_SETTINGS_ID[kind])))
}

/** Both texts, for the console's editor: one round trip. */
export async function agreements(): Promise<{ items: AgreementView[] }> {
  const found = await settings().find(
    { _id: database().command.in(AGREEMENT_KINDS.map((k) => AGREEMENT_SETTINGS_ID[k])) },
    { limit: AGREEMENT_KINDS.length },
  )
  const byId = new Map(found.map((d) => [d._id, d]))
  return {
    items: AGREEMENT_KINDS.map((k) => viewOf(k, asAgreement(byId.get(AGREEMENT_SETTINGS_ID[k])))),
  }
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
  await settings().set(AGREEMENT_SETTINGS_ID[input.kind], doc)
  return viewOf(input.kind, { _id: AGREEMENT_SETTINGS_ID[input.kind], ...doc })
}
