/**
 * The member agreement and the privacy policy shoppers read before opening a card (WeChat's review
 * and the Personal Information Protection Law require both). HQ edits them in the console; until
 * it does, these texts apply. Paragraphs are separated by blank lines.
 */
export const AGREEMENT_KINDS = ['terms', 'privacy'] as const
export type AgreementKind = (typeof AGREEMENT_KINDS)[number]

export interface AgreementText {
  title: string
  body: string
}

export const AGREEMENT_SETTINGS_ID: Record<AgreementKind, string> = {
  terms: 'agreement:terms',
  privacy: 'agreement:privacy',
}

export const DEFAULT_AGREEMENTS: Record<AgreementKind, AgreementText> = {
  terms: {
    title: '会员服务协议',
    body: [
      '欢迎加入本品牌会员。开通会员卡即表示你已阅读并同意本协议。',
      '一、会员卡。会员卡通过扫描门店或导购的小程序码开通，每个微信账号限开一张。开卡时为你登记开卡门店和专属导购，此后线上、线下消费均计入该门店与导购的业绩。',
      '二、积分。实付金额每满 1 元累积 1 积分，银卡、金卡会员按等级倍数累积；开卡赠送欢迎积分。积分于获得次年的 12 月 31 日到期，使用时先用最早获得的积分。退款时收回该笔消费所得积分。积分不能兑换现金，不能转让。',
      '三、等级。按近 365 天实付金额评定：满 1,000 元为银卡会员，满 5,000 元为金卡会员，每次消费或退款后重新计算。',
      '四、礼品兑换。礼品可到店自提或邮寄到家；邮寄需在 15 分钟内支付运费，逾期自动取消并退回积分。到店自提请凭兑换码在所选门店领取。',
      '五、会员码。会员码每分钟更新一次，请勿截图转发给他人使用。',
      '六、注销。你可以在「我的 → 账户与隐私」中随时注销会员卡。注销后积分清零且不能恢复。',
      '七、其他。本协议的调整会在小程序内公布；如有疑问，请联系门店或在小程序内联系你的导购。',
    ].join('\n\n'),
  },
  privacy: {
    title: '隐私政策',
    body: [
      '我们重视你的个人信息，并依照《个人信息保护法》处理。本政策说明我们收集哪些信息、为什么收集以及你的权利。',
      '一、我们收集的信息。微信身份标识（用于识别你的会员卡）；你选择提供的手机号（用于门店查询会员，可不提供）；生日（你填写后用于生日礼遇）；消费、积分、兑换和订单记录；收货地址（仅邮寄订单）；你与导购的聊天内容；你授权时的位置信息（仅用于推荐最近的门店，不保存）。',
      '二、使用目的。提供会员卡、积分、兑换、购物与配送服务；计算导购与门店业绩；在你同意后发送活动通知。我们不会将你的个人信息出售给任何第三方。',
      '三、共享。为完成支付和配送，必要的信息会提供给微信支付和承运快递公司。你的专属导购和所属门店店长可以看到你的会员号、等级、积分和消费记录；手机号仅在你主动分享后可见完整号码。',
      '四、保存期限。会员卡有效期间保存上述信息。注销后我们删除你的微信身份、手机号、生日、标签和收货地址；为满足财务与税务要求，订单、积分和佣金记录以匿名形式保留；为防止重复领取开卡礼，我们保留身份与手机号的不可逆摘要。',
      '五、你的权利。你可以在「我的 → 账户与隐私」中查看和导出你的数据、补充或更换手机号、注销账号，也可以随时在微信中关闭活动通知。',
      '六、联系我们。如对本政策有疑问，请联系门店或在小程序内联系你的导购。',
    ].join('\n\n'),
  },
}
