import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ChatThread } from '../../components/chat-thread'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useApiQuery } from '../../hooks/use-query'
import { api } from '../../api'
import { newClientMsgId } from '../../lib/chat-session'
import { askNewMessageConsent } from '../../lib/subscribe-consent'
import { notifyFailure } from '../../feedback/notify-failure'
import './index.scss'

/**
 * Sends the member's own number to their clerk, after asking: until then clerks only ever see it
 * masked (138****8000). The message arrives in the thread through the live updates.
 */
async function sharePhone(conversationId: string, clerkName: string): Promise<void> {
  const confirmed = await Taro.showModal({
    title: '发送手机号',
    content: `把你的手机号发给${clerkName}？导购将能看到完整号码，方便联系你。`,
  })
  if (!confirmed.confirm) return
  const reply = await api.call('chat', 'sharePhone', {
    conversationId,
    clientMsgId: newClientMsgId(),
  })
  if (!reply.ok) notifyFailure(reply.error)
}

/** The member's chat with their clerk (what the chat subscribe reminders open). */
export default function ChatPage() {
  const conversation = useApiQuery('chat', 'myConversation')
  return (
    <PageShell className="chat-page">
      <QueryView query={conversation} skeleton={<Skeleton variant="list" rows={4} />}>
        {(c) => (
          <ChatThread
            conversationId={c.conversationId}
            header={
              <View className="chat-page__header" id="chat-peer">
                <View className="chat-page__avatar">{c.clerkName.slice(0, 1)}</View>
                <View>
                  <View className="chat-page__name">{c.clerkName}</View>
                  <View className="chat-page__role">我的专属导购</View>
                </View>
              </View>
            }
            emptyHint={`有问题随时问${c.clerkName}`}
            onFirstMessage={askNewMessageConsent}
            tools={() => (
              <View
                id="chat-share-phone"
                className="chat-page__tool"
                onClick={() => void sharePhone(c.conversationId, c.clerkName)}
              >
                发送我的手机号
              </View>
            )}
          />
        )}
      </QueryView>
    </PageShell>
  )
}
