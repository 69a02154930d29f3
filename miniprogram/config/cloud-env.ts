/**
 * The CloudBase environment the WeChat package calls (`wx.cloud.init({env})`), from
 * CLOUDBASE_ENV_ID at build time. Required for the weapp build: without it the client would fall
 * back silently to whichever environment the mini-program happens to be bound to. A local or test
 * build sets a local value explicitly (`npm test` uses `o2o-local-test`). The H5 build talks to
 * the local stack over HTTP and needs none.
 */
export function cloudbaseEnvId(target: string | undefined, value: string | undefined): string {
  const id = (value ?? '').trim()
  if (target !== 'weapp') return id
  if (id === '')
    throw new Error(
      'CLOUDBASE_ENV_ID is not set: the WeChat build needs the CloudBase environment id ' +
        '(console → 环境 → 环境 ID, e.g. prod-1a2b3c). See README, "Deploying". ' +
        'For a local test build set one explicitly, e.g. CLOUDBASE_ENV_ID=o2o-local-test.',
    )
  if (!/^[a-z][a-z0-9-]{3,39}$/.test(id))
    throw new Error(`CLOUDBASE_ENV_ID "${id}" is not a CloudBase environment id (e.g. prod-1a2b3c)`)
  return id
}
