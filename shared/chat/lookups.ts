/**
 * Chat facts other domains may read (whether a member shared their phone with a clerk).
 */
import { getConversation } from './chat-service'

/** Whether the member shared their phone number with this clerk in chat. */
export async function phoneSharedWith(memberId: string, clerkId: string): Promise<boolean> {
  const conversation = await getConversation(memberId)
  return Boolean(conversation?.phoneSharedWith?.includes(clerkId))
}
