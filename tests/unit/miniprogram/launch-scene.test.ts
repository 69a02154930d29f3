import {
  landingForScene,
  MAX_SCENE_LENGTH,
  sceneFromQuery,
} from '../../../miniprogram/src/lib/launch-scene'
import { ROUTES } from '../../../miniprogram/src/lib/routes'
import { sceneFromScannedPath } from '../../../miniprogram/src/lib/scan'

describe('entering from a scanned code', () => {
  it('reads the scene WeChat passes URL-encoded', () => {
    expect(sceneFromQuery({ scene: 's%3DAB12.cd' })).toBe('s=AB12.cd')
    expect(sceneFromQuery({ scene: 'plain' })).toBe('plain')
    // A stray "%" that is not an escape is kept as is rather than dropping the scene.
    expect(sceneFromQuery({ scene: '100%' })).toBe('100%')
  })

  it('ignores a missing, empty or overlong scene', () => {
    expect(sceneFromQuery(undefined)).toBeUndefined()
    expect(sceneFromQuery({})).toBeUndefined()
    expect(sceneFromQuery({ scene: '' })).toBeUndefined()
    expect(sceneFromQuery({ scene: '%20%20' })).toBeUndefined()
    expect(sceneFromQuery({ scene: 'x'.repeat(MAX_SCENE_LENGTH) })).toBe(
      'x'.repeat(MAX_SCENE_LENGTH),
    )
    expect(sceneFromQuery({ scene: 'x'.repeat(MAX_SCENE_LENGTH + 1) })).toBeUndefined()
  })

  it('sends a scene on any other page to binding, encoded', () => {
    expect(landingForScene(ROUTES.home, 'a b&c')).toBe('/pages/bind/index?scene=a%20b%26c')
    expect(landingForScene('pages/home/index', 'abc')).toBe('/pages/bind/index?scene=abc')
    expect(landingForScene(ROUTES.home, undefined)).toBeUndefined()
  })

  it('leaves pages that read their own scene alone', () => {
    expect(landingForScene(ROUTES.bind, 'abc')).toBeUndefined()
    expect(landingForScene('staff/invite/index?scene=abc', 'abc')).toBeUndefined()
  })

  it('finds the scene in the path of a scanned mini-program code', () => {
    expect(sceneFromScannedPath('pages/bind/index?scene=ST%3A12')).toBe('ST:12')
    expect(sceneFromScannedPath('pages/bind/index?x=1&scene=abc')).toBe('abc')
    expect(sceneFromScannedPath('pages/bind/index')).toBeUndefined()
    expect(sceneFromScannedPath(undefined)).toBeUndefined()
  })
})
