import { View } from '@tarojs/components'
import { ChatThread } from '../../components/chat-thread'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useQuery } from '../../hooks/use-query'
import { api } from '../../api'
import { askNewMessageConsent } from '../../lib/subscribe-consent'
import './index.scss'

/** The member's chat with their clerk (what the chat subscribe reminders open). */
export default function ChatPage() {
  const conversation = useQuery(() => api.call('chat', 'myConversation'), [])
  return (
    <PageShell className='chat-page'>
      <QueryView query={conversation} skeleton={<Skeleton variant='list' rows={4} />}>
        {(c) => (
          <ChatThread
            conversationId={c.conversationId}
            header={
              <View className='chat-page__header' id='chat-peer'>
                <View className='chat-page__avatar'>{c.clerkName.slice(0, 1)}</View>
                <View>
                  <View className='chat-page__name'>{c.clerkName}</View>
                  <View className='chat-page__role'>我的专属导购</View>
                </View>
              </View>
            }
            emptyHint={`有问题随时问${c.clerkName}`}
            onFirstMessage={askNewMessageConsent}
          />
        )}
      </QueryView>
    </PageShell>
  )
}
