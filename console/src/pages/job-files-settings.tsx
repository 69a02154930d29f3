/**
 * 任务文件保留: how many days the files a finished job made (exports, poster and invite ZIPs) are
 * kept before the hourly `expireJobFiles` deletes them; the job stays listed, saying so.
 */
import { Alert, Button, Card, Form, InputNumber, Skeleton, Typography } from 'antd'
import { useAuth } from '../auth'
import { numberRules } from '../number-rules'
import { useAdminMutation, useAdminQuery } from '../use-admin'

export function JobFilesCard() {
  const { isAdmin } = useAuth()
  const retention = useAdminQuery('jobFileRetention', {})
  const mutate = useAdminMutation()
  const [form] = Form.useForm<{ retentionDays: number }>()
  if (retention.loading && !retention.data)
    return (
      <Card style={{ marginTop: 16 }}>
        <Skeleton active />
      </Card>
    )
  if (retention.error) return <Alert type="error" showIcon message={retention.error} />
  const current = retention.data!.retentionDays
  return (
    <Card title="任务文件保留" style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">
        「任务」中导出的文件、门店海报包和导购邀请清单在任务完成后保留的天数；过期后文件自动删除（任务仍在列表中，标明文件已删除），需要时请重新导出。
      </Typography.Paragraph>
      <Form
        form={form}
        id="job-files"
        layout="vertical"
        style={{ maxWidth: 420 }}
        disabled={!isAdmin}
        // Keyed by what was loaded: after a save the form starts again from the stored value.
        key={current}
        initialValues={{ retentionDays: current }}
        onFinish={(v) =>
          void mutate('setJobFileRetention', { retentionDays: v.retentionDays }, '已保存', {
            form,
          })
        }
      >
        <Form.Item
          name="retentionDays"
          label="文件保留天数"
          extra="1 至 365 天，默认 7 天"
          rules={numberRules('文件保留天数', { min: 1, max: 365 })}
        >
          <InputNumber id="job-retention-days" style={{ width: 200 }} />
        </Form.Item>
        <Button id="job-retention-save" type="primary" htmlType="submit">
          保存
        </Button>
      </Form>
    </Card>
  )
}
