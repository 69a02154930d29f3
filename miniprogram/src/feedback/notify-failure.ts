import Taro from '@tarojs/taro'
import type { ClientError } from '../api'

/**
 * A failed action (not a page load): a retryable failure asks whether to try again; anything
 * else is a toast with the reason. Either way the person reads what happened, in Chinese.
 */
export function notifyFailure(error: ClientError, retry?: () => void): void {
  if (retry && error.retryable) {
    void Taro.showModal({
      title: '操作未完成',
      content: error.message,
      confirmText: '重试',
      cancelText: '取消',
    }).then((choice) => {
      if (choice.confirm) retry()
    })
    return
  }
  void Taro.showToast({ title: error.message, icon: 'none', duration: 3000 })
}
