import { chatInput, chatOutput } from '../../shared/chat/contract'
import { accessGuard } from '../../shared/flows/access'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import {
  chatTemplates,
  inbox,
  listMessages,
  markRead,
  myConversation,
  poll,
  sendMessage,
  sharePhone,
  uploadImage,
} from '../../shared/chat/chat-service'

export const main = defineFunction({
  name: 'chat',
  input: chatInput,
  output: chatOutput,
  guard: accessGuard,
  // A thread has two sides: `wechat` actions serve the member or the clerk, and the chat service
  // decides which side of which conversation the caller is.
  policy: {
    myConversation: 'member',
    inbox: 'clerk',
    messages: 'wechat',
    poll: 'wechat',
    send: 'wechat',
    sharePhone: 'wechat',
    uploadImage: 'wechat',
    markRead: 'wechat',
    templates: 'clerk',
  },
  handlers: {
    myConversation: (ctx) => myConversation(ctx),
    inbox: (ctx, input) => inbox(ctx, input),
    messages: (ctx, input) => listMessages(ctx, input),
    poll: (ctx, input) => poll(ctx, input),
    send: (ctx, input) => sendMessage(ctx, input),
    sharePhone: (ctx, input) => sharePhone(ctx, input),
    uploadImage: (ctx, input) => uploadImage(ctx, input),
    markRead: (ctx, input) => markRead(ctx, input),
    templates: (ctx) => chatTemplates(ctx),
  },
})
