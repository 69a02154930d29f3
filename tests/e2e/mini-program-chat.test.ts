/**
 * Chat in the mini-program's H5 build: a member and their clerk, each in their own browser
 * (two contexts, two identities), write to each other and each sees the other's message appear
 * without reloading (the H5 long poll). Also: the clerk's inbox with unread counts, an HQ
 * template inserted into the input and edited before sending, and a failed send retried with the
 * same clientMsgId. Screenshots of every step: .test-artifacts/e2e/mini-program-chat/.
 */
import type { Browser, Request } from 'playwright-core'
import { launchChromium } from '../support/browser'
import { startTestStack, type TestStack } from '../support/local-stack'
import { ensureH5Built, openMiniProgram, type MiniProgramSession } from './harness/mini-program'

jest.setTimeout(120_000)

const PHONE = '13900139000'
const MEMBER_LABEL = '139****9000'
const CLERK = '王小美'

let stack: TestStack
let browser: Browser
let member: MiniProgramSession
let clerk: MiniProgramSession

/**
 * Waits for `route` to be on screen showing `text`. Not `waitFor`: a chat page keeps a long poll
 * open, so the network never goes idle.
 */
async function arrive(app: MiniProgramSession, route: string, text: string): Promise<void> {
  await app.page.waitForURL((url) => url.hash.startsWith(`#${route}`))
  await app.page
    .locator(`.taro_page.taro_page_show.taro_page_stationed:not(.taro_page_shade)[id^="${route}"]`)
    .getByText(text, { exact: false })
    .first()
    .waitFor()
}

async function type(app: MiniProgramSession, text: string): Promise<void> {
  await app.current().locator('#chat-input input').fill(text)
  await app.current().locator('#chat-send').click()
}

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A message bubble with `text`, on the page on screen. */
const bubble = (app: MiniProgramSession, text: string) =>
  app.current().locator('.chat-bubble', { hasText: text })

beforeAll(async () => {
  const h5Dir = ensureH5Built()
  stack = await startTestStack({ seed: true, h5Dir })
  const demo = await stack.personas()
  // The shopper becomes a member of 王小美's (demo-clerk-1) through her clerk code.
  const me = await stack.call('staff', { action: 'me' }, { openid: 'demo-clerk-1' })
  const code = demo.codes.find((c) => c.kind === 'clerk' && c.clerkId === me.body.data.clerkId)
  if (!code) throw new Error('no clerk code for 王小美')
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: PHONE },
    { openid: 'demo-shopper-a' },
  )
  expect(bound.body.ok).toBe(true)
  const template = await stack.admin({
    action: 'saveChatTemplate',
    title: '新品到店',
    text: '您好，本周新品已到店，欢迎来试穿！',
  })
  expect(template.body.ok).toBe(true)

  browser = await launchChromium()
  member = await openMiniProgram(browser, stack.url, 'mini-program-chat')
  clerk = await openMiniProgram(browser, stack.url, 'mini-program-chat')
})

afterAll(async () => {
  await member?.close()
  await clerk?.close()
  await browser?.close()
  await stack?.stop()
})

test('the member opens the chat with their clerk from "me" and writes first', async () => {
  await member.open()
  await member.waitFor('/pages/home/index', '静安寺店')
  await member.tapTab('我的')
  await member.waitFor('/pages/me/index', '联系我的导购')
  await member.current().locator('#chat-entry').click()
  await arrive(member, '/pages/chat/index', '我的专属导购')
  expect(await member.current().locator('#chat-peer').textContent()).toContain(CLERK)
  expect(await member.current().textContent()).toContain('还没有消息')
  await member.shot('member-chat-empty')

  await type(member, '你好，请问有新款外套吗？')
  await bubble(member, '你好，请问有新款外套吗？').waitFor()
  await member.current().locator('.chat-row--mine[data-seq="1"]').waitFor()
  await member.shot('member-first-message')
})

test('the clerk sees the conversation in her inbox with its unread count', async () => {
  await clerk.open()
  await clerk.switchPersona(CLERK)
  await clerk.waitFor('/staff/home/index', '会员消息')
  await clerk.current().locator('#tile-inbox').click()
  await clerk.waitFor('/staff/inbox/index', MEMBER_LABEL)
  const row = clerk.current().locator('.inbox-row', { hasText: MEMBER_LABEL })
  expect(await row.textContent()).toContain('你好，请问有新款外套吗？')
  expect(await row.locator('.inbox-row__badge').textContent()).toBe('1')
  await clerk.shot('clerk-inbox-unread')

  await row.click()
  await arrive(clerk, '/staff/chat/index', '你好，请问有新款外套吗？')
  await clerk.shot('clerk-conversation')
})

test('the clerk answers with an edited HQ template and the member sees it without reloading', async () => {
  await clerk.current().locator('#chat-templates').click()
  await clerk.current().locator('.template-picker__item', { hasText: '新品到店' }).click()
  const input = clerk.current().locator('#chat-input input')
  expect(await input.inputValue()).toBe('您好，本周新品已到店，欢迎来试穿！')
  await input.fill('您好，本周新品已到店，欢迎周末来试穿！')
  await clerk.shot('clerk-template-edited')
  const reloadsBefore = member.calls.filter((c) => c.action === 'myConversation').length
  await clerk.current().locator('#chat-send').click()
  await bubble(clerk, '欢迎周末来试穿').waitFor()

  // The member's page was never reloaded: the long poll brought the message in.
  await bubble(member, '欢迎周末来试穿').waitFor()
  const row = member.current().locator('.chat-row', { hasText: '欢迎周末来试穿' })
  expect(await row.getAttribute('class')).not.toContain('chat-row--mine')
  expect(await row.locator('.chat-row__name').textContent()).toBe(CLERK)
  expect(member.calls.filter((c) => c.action === 'myConversation').length).toBe(reloadsBefore)
  expect(member.calls.some((c) => c.action === 'poll')).toBe(true)
  await member.shot('member-sees-clerk-reply')
  // Shown means read: the member marked it.
  await until(
    () => member.calls.some((c) => c.action === 'markRead'),
    'the member marks the reply read',
  )
})

test('the member answers and the clerk sees it without reloading', async () => {
  await type(member, '好的，周六下午过去')
  await bubble(member, '好的，周六下午过去').waitFor()
  await bubble(clerk, '好的，周六下午过去').waitFor()
  await clerk.shot('clerk-sees-member-reply')

  // Both sides list the same three messages in the same order.
  const texts = async (app: MiniProgramSession) =>
    (await app.current().locator('.chat-bubble').allTextContents()).map((t) => t.trim())
  expect(await texts(member)).toEqual(await texts(clerk))
  expect(await texts(member)).toHaveLength(3)
})

test('a failed send shows a retry, and the retry reuses the clientMsgId', async () => {
  const sends: string[] = []
  const onRequest = (request: Request) => {
    if (!request.url().endsWith('/fn/chat')) return
    const body = JSON.parse(request.postData() ?? '{}') as { action?: string; clientMsgId?: string }
    if (body.action === 'send' && body.clientMsgId) sends.push(body.clientMsgId)
  }
  member.page.on('request', onRequest)
  await member.page.route('**/fn/chat', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as { action?: string }
    if (body.action === 'send') await route.abort('internetdisconnected')
    else await route.continue()
  })
  await type(member, '这条先没发出去')
  await member.current().getByText('发送失败，点击重试').waitFor()
  await member.shot('member-send-failed')

  await member.page.unroute('**/fn/chat')
  await member.current().getByText('发送失败，点击重试').click()
  await member.current().locator('.chat-row[data-seq="4"]', { hasText: '这条先没发出去' }).waitFor()
  expect(await member.current().getByText('发送失败，点击重试').count()).toBe(0)
  member.page.off('request', onRequest)
  expect(sends).toHaveLength(2)
  expect(sends[1]).toBe(sends[0])
  await bubble(clerk, '这条先没发出去').waitFor()
  await member.shot('member-send-retried')
})

test('the member shares their phone number; the clerk sees it in the chat', async () => {
  await member.current().locator('#chat-share-phone').click()
  // Taro H5's showModal: confirm with its primary button.
  await member.page.locator('.taro-model__btn:visible').last().click()
  await bubble(member, '我的手机号').waitFor()
  await bubble(clerk, '我的手机号').waitFor()
  expect(((await bubble(clerk, '我的手机号').textContent()) ?? '').replace(/\s/g, '')).toMatch(
    /我的手机号：1\d{10}/,
  )
  await clerk.shot('clerk-sees-shared-phone')
})
