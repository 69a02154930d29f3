/**
 * The stack the console's integration tests share: the seeded demo chain, its personas, a signed-in
 * analyst (created through `createAdminAccount`, as an admin would), and the reads those tests
 * repeat: a count, a job's stored document, a job stepped to its end, an export's whole file.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { JobDoc } from '../../shared/hq/documents'
import { startTestStack, type Personas, type TestStack } from './local-stack'

export const ANALYST = { username: 'analyst', password: 'analyst-password' }

export interface ConsoleTestStack {
  stack: TestStack
  demo: Personas
  /** A console session of the `analyst` account (read only, phones masked). */
  analystToken: string
  /** The demo stores by code (SH001 静安寺店, SH002 徐家汇店). */
  storeIds: Record<string, string>
  /** Signs in to the console and answers the bearer token. */
  signIn(username: string, password: string): Promise<string>
  /** How many documents of `collection` match `where`. */
  count(collection: string, where: Record<string, unknown>): Promise<number>
  /** A job as stored. */
  jobDoc(jobId: string): Promise<JobDoc>
  /** Steps a job to its end as the console does; answers `admin.job` as `token` (admin by default) reads it. */
  runJob(jobId: string, token?: string): Promise<any>
  /** The whole file of a finished data export, its parts joined as the console joins them. */
  exportFile(jobId: string, token?: string): Promise<string>
}

export async function startConsoleStack(): Promise<ConsoleTestStack> {
  const stack = await startTestStack({ seed: true })
  const demo = await stack.personas()
  const signIn = async (username: string, password: string) => {
    const res = await stack.call('admin', { action: 'login', username, password })
    if (!res.body.ok) throw new Error(`sign-in of ${username} failed: ${JSON.stringify(res.body)}`)
    return res.body.data.token as string
  }
  const created = await stack.admin({
    action: 'createAdminAccount',
    username: ANALYST.username,
    displayName: '王分析',
    role: 'analyst',
    password: ANALYST.password,
  })
  if (!created.body.ok) throw new Error(`analyst not created: ${JSON.stringify(created.body)}`)
  const [analystToken, stores] = await Promise.all([
    signIn(ANALYST.username, ANALYST.password),
    stack.admin({ action: 'listStores' }),
  ])
  const storeIds = Object.fromEntries(
    (stores.body.data.items as { storeId: string; code: string }[]).map((s) => [s.code, s.storeId]),
  )
  const jobDoc = async (jobId: string) =>
    ((await stack.db.collection(COLLECTIONS.jobs.name).doc(jobId).get()) as { data: JobDoc[] })
      .data[0]!
  const job = async (jobId: string, token?: string) =>
    (await stack.admin({ action: 'job', jobId }, token)).body.data
  return {
    stack,
    demo,
    analystToken,
    storeIds,
    signIn,
    async count(collection, where) {
      return ((await stack.db.collection(collection).where(where).count()) as { total: number })
        .total
    },
    jobDoc,
    async runJob(jobId, token) {
      for (let steps = 0; (await jobDoc(jobId)).status === 'running'; steps++) {
        if (steps > 500) throw new Error(`job ${jobId} did not finish`)
        const step = await stack.admin({ action: 'jobStep', jobId })
        if (step.status !== 200) throw new Error(`jobStep: ${JSON.stringify(step.body)}`)
      }
      return job(jobId, token)
    },
    async exportFile(jobId, token) {
      const finished = await job(jobId, token)
      if (!finished?.file) throw new Error(`job ${jobId} has no file: ${JSON.stringify(finished)}`)
      let csv = ''
      for (let part = 0; part < finished.file.parts; part++) {
        const res = await stack.admin({ action: 'jobFile', jobId, part }, token)
        if (res.status !== 200) throw new Error(`jobFile: ${JSON.stringify(res.body)}`)
        csv += res.body.data.csv as string
      }
      return csv
    },
  }
}
