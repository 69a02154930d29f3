/** The database errors the gateway answers with: CloudBase's codes, as the SDK receives them. */
export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export const ERR = {
  collectionNotExist: (c: string) =>
    new DbError('DATABASE_COLLECTION_NOT_EXIST', `collection ${c} does not exist`),
  collectionExists: (c: string) =>
    new DbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${c} already exists`),
  duplicate: (c: string, index: string) =>
    new DbError('DATABASE_DUPLICATE_WRITE', `duplicate key in ${c}, unique index ${index}`),
  conflict: () => new DbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict'),
  /** CloudBase's answer for a transaction that ended (committed, aborted, or past 30 s). */
  txNotFound: () =>
    new DbError(
      'DATABASE_TRANSACTION_FAIL',
      '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.',
    ),
  invalid: (message: string) => new DbError('INVALID_PARAM', message),
}
