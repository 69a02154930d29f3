import { chatInput, chatOutput } from '../../shared/chat/contract'
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
