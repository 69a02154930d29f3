import { Alert, Button, Card, Form, Input, Skeleton, Tabs, Typography } from 'antd'
import { useState } from 'react'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'

type Kind = 'terms' | 'privacy'
const LABELS: Record<Kind, string> = { terms: '会员服务协议', privacy: '隐私政策' }

/**
 * The member agreement and the privacy policy shoppers read in the mini-program (on the bind page
 * and under 我的 → 账户与隐私): HQ edits the text here; blank lines separate paragraphs.
 */
export function AgreementsCard() {
  const { canWrite } = useAuth()
  const texts = useAdminQuery('agreements', {})
  const mutate = useAdminMutation()
  const [edits, setEdits] = useState<Partial<Record<Kind, { title?: string; body?: string }>>>({})
  if (texts.loading && !texts.data)
    return (
      <Card style={{ marginTop: 16 }}>
        <Skeleton active />
      </Card>
    )
  if (texts.error) return <Alert type="error" showIcon message={texts.error} />
  return (
    <Card title="会员协议与隐私政策" style={{ marginTop: 16 }} id="agreements-card">
      <Typography.Paragraph type="secondary">
        顾客开卡前可阅读，开卡后在小程序「我的 →
        账户与隐私」中随时查看。段落之间空一行。未保存过的显示系统默认文本。
      </Typography.Paragraph>
      <Tabs
        items={texts.data!.items.map((a) => {
          const kind = a.kind as Kind
          const title = edits[kind]?.title ?? a.title
          const body = edits[kind]?.body ?? a.body
          return {
            key: kind,
            label: LABELS[kind],
            children: (
              <Form layout="vertical" style={{ maxWidth: 720 }}>
                <Form.Item label="标题">
                  <Input
                    id={`agreement-${kind}-title`}
                    value={title}
                    maxLength={40}
                    disabled={!canWrite}
                    onChange={(e) =>
                      setEdits({ ...edits, [kind]: { ...edits[kind], title: e.target.value } })
                    }
                  />
                </Form.Item>
                <Form.Item
                  label="正文"
                  extra={
                    a.updatedAt
                      ? `上次保存：${new Date(a.updatedAt).toLocaleString()}`
                      : '尚未保存，当前为默认文本'
                  }
                >
                  <Input.TextArea
                    id={`agreement-${kind}-body`}
                    value={body}
                    autoSize={{ minRows: 10, maxRows: 24 }}
                    maxLength={20_000}
                    disabled={!canWrite}
                    onChange={(e) =>
                      setEdits({ ...edits, [kind]: { ...edits[kind], body: e.target.value } })
                    }
                  />
                </Form.Item>
                <Button
                  type="primary"
                  id={`agreement-${kind}-save`}
                  disabled={!canWrite}
                  onClick={async () => {
                    const saved = await mutate('setAgreement', { kind, title, body }, '已保存')
                    if (saved) setEdits({ ...edits, [kind]: undefined })
                  }}
                >
                  保存
                </Button>
              </Form>
            ),
          }
        })}
      />
    </Card>
  )
}
