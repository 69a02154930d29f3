/**
 * <member-code code="..."/>: the member's dynamic code as a QR symbol with the code printed
 * under it, for a clerk to scan at the counter.
 *
 * A native WeChat component rather than a React one: redrawing a few hundred boxes every minute
 * is one setData inside this component instead of a re-render of the page, and it can be tested
 * on its own with miniprogram-simulate. The H5 build draws the same layout with React
 * (components/member-code-view), from the same lib/qr-matrix.
 */
const { groupCode } = require('../../lib/format')
const { qrLayout, qrPattern } = require('../../lib/qr-matrix')

Component({
  options: { addGlobalClass: false },
  properties: {
    /** The code to encode; empty shows the placeholder. */
    code: { type: String, value: '' },
    /** Line under the code, e.g. "每分钟自动刷新". */
    caption: { type: String, value: '' },
  },
  data: {
    rows: [],
    grouped: '',
    failed: false,
  },
  observers: {
    code(code) {
      this.draw(code)
    },
  },
  lifetimes: {
    attached() {
      this.draw(this.data.code)
    },
  },
  methods: {
    draw(code) {
      if (!code) {
        this.setData({ rows: [], grouped: '', failed: false })
        return
      }
      try {
        this.setData({ rows: qrLayout(qrPattern(code)), grouped: groupCode(code), failed: false })
      } catch (err) {
        // Only a code longer than a QR symbol holds gets here; say so rather than draw nothing.
        this.setData({ rows: [], grouped: groupCode(code), failed: true })
      }
    },
  },
})
