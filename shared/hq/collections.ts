import type { CollectionSpec } from '../platform/db/collection-spec'

/** The hq domain's collections and indexes. */
export const HQ_COLLECTIONS = {
  admins: { name: 'admins', indexes: [{ name: 'username', fields: ['username'], unique: true }] },
  adminSessions: {
    name: 'adminSessions',
    indexes: [
      { name: 'tokenHash', fields: ['tokenHash'], unique: true },
      // A password change removes every session of the account.
      { name: 'adminId', fields: ['adminId'] },
    ],
  },
  /** Append-only log of every HQ action. */
  auditLog: { name: 'auditLog', indexes: [{ name: 'at', fields: ['at'] }] },
  /** Settings HQ can change (points rules, attribution policy), one document per area. */
  settings: { name: 'settings', indexes: [] },
  /** HQ's long operations (CSV imports, exports), advanced in batches by the console and a timer. */
  jobs: {
    name: 'jobs',
    indexes: [
      { name: 'status', fields: ['status', 'createdAt'] },
      { name: 'createdAt', fields: ['createdAt'] },
    ],
  },
  /** The parts of a job's large file (data exports), `_id` = `<jobId>:<part>`, read by id. */
  jobFileParts: { name: 'jobFileParts', indexes: [] },
  /**
   * The dashboard's figures per Asia/Shanghai day and store (`_id` = `<day>_<storeId>`, `*` for
   * all stores), written by the `rollupDailyStats` timer so the dashboard never aggregates orders.
   */
  dailyStats: { name: 'dailyStats', indexes: [{ name: 'day', fields: ['day', 'storeId'] }] },
  /** The scheduled jobs' last runs, one document per job (`_id` = the job's name; system-jobs.ts). */
  jobRuns: { name: 'jobRuns', indexes: [] },
} as const satisfies Record<string, CollectionSpec>
