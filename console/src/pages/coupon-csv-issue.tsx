import { FileTextOutlined } from '@ant-design/icons'
import { Alert, Button, Form, Modal, Typography } from 'antd'
import { useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { toCsv } from '../../../shared/platform/csv'
import { formatBytes, MAX_CSV_FILE_BYTES } from '../../../shared/platform/csv-decode'
import { downloadCsv, type AdminResult } from '../api'
import { CsvFileField, type CsvFile } from '../csv-file-field'
import { useAdminMutation } from '../use-admin'
import { ErrorList } from './jobs'

type Job = AdminResult<'createCouponIssueJob'>

/**
 * Issuing a template to a file of member numbers (more than the 200 the list dialog takes): the
 * file is checked here for size and encoding, then whole on the server; a file with errors comes
 * back as a failed job and its errors are shown here; a good one runs as a job on the 任务 page.
 */
export function CouponCsvIssueDialog({
  template,
  onClose,
}: {
  template: { templateId: string; name: string }
  onClose: () => void
}) {
  const [file, setFile] = useState<CsvFile | null>(null)
  const [failed, setFailed] = useState<Job | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const mutate = useAdminMutation()
  const navigate = useNavigate()

  return (
    <Modal
      title={`按文件发放「${template.name}」`}
      open
      okText="开始发放"
      okButtonProps={{ id: 'coupon-csv-submit', disabled: file === null, loading: submitting }}
      onCancel={onClose}
      onOk={async () => {
        if (!file) return
        setSubmitting(true)
        const job = await mutate('createCouponIssueJob', {
          templateId: template.templateId,
          title: file.name,
          csv: file.text,
        })
        setSubmitting(false)
        if (!job) return
        if (job.errorCount > 0) return setFailed(job)
        onClose()
        void navigate('/jobs')
      }}
    >
      <Typography.Paragraph type="secondary" id="coupon-csv-rules">
        CSV 文件，每行一个会员号（9 位数字），第一行可写表头「会员号」。文件不超过{' '}
        {formatBytes(MAX_CSV_FILE_BYTES)}（最多 5000 个会员），UTF-8 或 GBK 编码均可。
        整份文件先全部检查：有不存在或已注销的会员、重复或格式不对的行，都不会发放。
        发放在「任务」页分批进行，完成后可下载每位会员的发放结果；券发完后其余会员记为「已发完」。
      </Typography.Paragraph>
      <Button
        id="coupon-csv-template"
        size="small"
        icon={<FileTextOutlined />}
        style={{ marginBottom: 16 }}
        onClick={() => downloadCsv(toCsv(['会员号'], [['100000001']]), '发券会员号模板.csv')}
      >
        下载模板
      </Button>
      <Form layout="vertical">
        <CsvFileField
          id="coupon-csv"
          onChange={(picked) => {
            setFile(picked)
            setFailed(null)
          }}
        />
      </Form>
      {failed && (
        <Alert
          id="coupon-csv-errors"
          type="error"
          showIcon
          message={`文件有 ${failed.errorCount} 处错误，没有发放任何优惠券。请修改后重新上传：`}
          description={
            <ErrorList errors={failed.errors} more={failed.errorCount - failed.errors.length} />
          }
        />
      )}
    </Modal>
  )
}
