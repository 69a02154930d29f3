/** The WeChat build names its CloudBase environment; it never falls back to a default. */
import { cloudbaseEnvId } from '../../../miniprogram/config/cloud-env'

describe('CLOUDBASE_ENV_ID for the weapp build', () => {
  it('is required for weapp, with a message that says where to set it', () => {
    expect(() => cloudbaseEnvId('weapp', undefined)).toThrow(/CLOUDBASE_ENV_ID is not set/)
    expect(() => cloudbaseEnvId('weapp', '  ')).toThrow(/README/)
    expect(() => cloudbaseEnvId('weapp', 'Prod env!')).toThrow(/not a CloudBase environment id/)
    expect(cloudbaseEnvId('weapp', 'prod-1a2b3c')).toBe('prod-1a2b3c')
  })
  it('is not needed for the H5 build (the local stack)', () => {
    expect(cloudbaseEnvId('h5', undefined)).toBe('')
  })
})
