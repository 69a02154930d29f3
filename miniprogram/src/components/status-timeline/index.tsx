import { View } from '@tarojs/components'
import { formatDateTime } from '../../lib/format'
import './index.scss'

/** One step of an order's or a redemption's way, with the time it was reached. */
export interface TimelineStep {
  key: string
  label: string
  /** A second line, e.g. the carrier and tracking number once shipped. */
  detail?: string
  at: string | null
  done: boolean
}

/** The steps something goes through, the ones reached marked done with their time. */
export function StatusTimeline({ steps, id }: { steps: TimelineStep[]; id?: string }) {
  return (
    <View id={id}>
      {steps.map((step) => (
        <View
          key={step.key}
          className={step.done ? 'timeline-step timeline-step--done' : 'timeline-step'}
        >
          <View className="timeline-step__dot" />
          <View className="timeline-step__label">
            {step.label}
            {step.detail && <View className="timeline-step__detail">{step.detail}</View>}
          </View>
          <View className="timeline-step__at">{step.at ? formatDateTime(step.at) : ''}</View>
        </View>
      ))}
    </View>
  )
}
