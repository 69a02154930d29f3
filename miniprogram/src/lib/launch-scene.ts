/**
 * Entering from a scanned code. A mini-program code carries a `scene` string (at most 32
 * characters, signed by the server); WeChat hands it to the opened page as `query.scene`,
 * URL-encoded. The local stack's simulated codes open the H5 app with `?scene=` the same way.
 */
import { normalizeRoute, ROUTES, withQuery } from './routes'

/** WeChat's limit for `wxacode.getUnlimited` scenes; anything longer was not made by us. */
export const MAX_SCENE_LENGTH = 32

export function sceneFromQuery(
  query: Record<string, string | undefined> | undefined,
): string | undefined {
  const raw = query?.scene
  if (typeof raw !== 'string' || raw === '') return undefined
  let scene: string
  try {
    scene = decodeURIComponent(raw)
  } catch {
    scene = raw
  }
  scene = scene.trim()
  return scene === '' || scene.length > MAX_SCENE_LENGTH ? undefined : scene
}

/** Pages that consume a scene themselves; everywhere else a scene means "bind a member card". */
const SCENE_PAGES: readonly string[] = [ROUTES.bind, ROUTES.staffInvite]

/**
 * Where a launch with `scene` on `path` should end up: nowhere else if the page handles scenes
 * itself (the code named it), otherwise the binding page with the scene.
 */
export function landingForScene(path: string, scene: string | undefined): string | undefined {
  if (scene === undefined) return undefined
  if (SCENE_PAGES.includes(normalizeRoute(path))) return undefined
  return withQuery(ROUTES.bind, { scene })
}
