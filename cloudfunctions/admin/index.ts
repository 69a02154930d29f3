import { adminInput, adminOutput } from '../../shared/contract/admin'
import { defineFunction } from '../../shared/runtime/define-function'
import {
  adminAction,
  codeImage,
  createStaffInvite,
  createStore,
  disableClerk,
  listClerks,
  listStores,
  login,
  logout,
  setAttributionPolicy,
  transferMembers,
} from '../../shared/services/admin-service'

export const main = defineFunction({
  name: 'admin',
  input: adminInput,
  output: adminOutput,
  handlers: {
    login: (ctx, input) => login(ctx, input),
    logout: (ctx) => logout(ctx),
    createStore: (ctx, input) => adminAction(ctx, 'write', input, () => createStore(ctx, input)),
    listStores: (ctx) => adminAction(ctx, 'read', {}, () => listStores()),
    listClerks: (ctx, input) => adminAction(ctx, 'read', input, () => listClerks(input)),
    createStaffInvite: (ctx, input) => adminAction(ctx, 'write', input, (s) => createStaffInvite(ctx, s, input)),
    disableClerk: (ctx, input) => adminAction(ctx, 'write', input, () => disableClerk(ctx, input)),
    transferMembers: (ctx, input) => adminAction(ctx, 'write', input, (s) => transferMembers(ctx, s, input)),
    codeImage: (ctx, input) => adminAction(ctx, 'read', input, () => codeImage(input)),
    setAttributionPolicy: (ctx, input) => adminAction(ctx, 'write', input, () => setAttributionPolicy(input)),
  },
})
