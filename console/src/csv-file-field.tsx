import { UploadOutlined } from '@ant-design/icons'
import { Button, Form, Space, Typography } from 'antd'
import { useRef, useState } from 'react'
import { CsvDecodeError, csvFileProblem, decodeCsvBytes } from '../../shared/platform/csv-decode'

export interface CsvFile {
  name: string
  text: string
  encoding: string
}

/**
 * The CSV file field of an upload dialog (the imports, the coupon issue by file). The file is
 * checked here before anything is sent: its size against the limit, then its encoding, each
 * refusal said under the field; a GBK file is read as such and says so. The browser's own file
 * button speaks the browser's language, so a Chinese button opens the hidden input (`<id>-file`).
 */
export function CsvFileField({
  id,
  onChange,
}: {
  id: string
  /** The readable file, or null while none is (nothing picked, or the pick refused). */
  onChange: (file: CsvFile | null) => void
}) {
  const [file, setFile] = useState<CsvFile | null>(null)
  const [error, setError] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)

  async function pick(picked: File | undefined) {
    setFile(null)
    setError(null)
    onChange(null)
    if (!picked) return
    const problem = csvFileProblem(picked.size)
    if (problem) return setError(problem)
    try {
      const { text, encoding } = decodeCsvBytes(new Uint8Array(await picked.arrayBuffer()))
      const read = { name: picked.name, text, encoding }
      setFile(read)
      onChange(read)
    } catch (err) {
      setError(err instanceof CsvDecodeError ? err.message : '文件读取失败，请重试')
    }
  }

  return (
    <Form.Item
      label="CSV 文件"
      validateStatus={error ? 'error' : undefined}
      help={
        error ??
        (file?.encoding === 'gbk' ? '已按 GBK 编码读取（Excel 默认的 CSV 格式）' : undefined)
      }
    >
      <input
        ref={input}
        id={`${id}-file`}
        type="file"
        accept=".csv,text/csv"
        style={{ display: 'none' }}
        onChange={(e) => {
          void pick(e.target.files?.[0])
          e.target.value = ''
        }}
      />
      <Space>
        <Button id={`${id}-pick`} icon={<UploadOutlined />} onClick={() => input.current?.click()}>
          选择文件
        </Button>
        <Typography.Text type={file ? undefined : 'secondary'} id={`${id}-name`}>
          {file ? file.name : '未选择文件'}
        </Typography.Text>
      </Space>
    </Form.Item>
  )
}
