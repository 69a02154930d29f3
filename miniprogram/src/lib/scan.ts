/**
 * Camera scanning (WeChat only; H5 has no scanner API). Scanning one of our own mini-program
 * codes inside the app yields its page path with `scene` in the query.
 */
import { sceneFromQuery } from './launch-scene'

export function sceneFromScannedPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined
  const query = path.split('?')[1]
  if (query === undefined) return undefined
  const params: Record<string, string> = {}
  for (const pair of query.split('&')) {
    const [key, value = ''] = pair.split('=')
    if (key) params[key] = value
  }
  return sceneFromQuery(params)
}
