/**
 * The cast of the demo: one dealer group (华东汽车集团) with four 4S stores, the cars they sell,
 * their customers, suppliers, media and marketing budgets. Data only; `generate.ts` brings it to life.
 */
import { intBetween, pick, rngFor, type Rng } from './random.js';

export type BudgetKey = 'online' | 'show' | 'care' | 'video' | 'pos' | 'anniv';

export interface BudgetPlan {
  key: BudgetKey;
  name: string;
  /** Monthly amount in yuan. */
  amount: number;
  warnAt: number;
  /** Share of `amount` spent by the end of the month when nothing is scripted. */
  pace: number;
  /** daily: platforms bill every day; weekly: a couple of invoices a week; show: deposit, balance, extras. */
  rhythm: 'daily' | 'weekly' | 'show';
  vendors: readonly string[];
  /** Leads and orders of this campaign cite it (campaignId), so the budget has a return. */
  campaign?: boolean;
  /**
   * Scripted so that the wall has something to show during a demo: the ratio stands at `startRatio`
   * when the demo starts, then grows by about `step` per billing (every 1–2 h, day and night, as ad
   * platforms bill) and stops at `stopRatio`, when the marketing team would pause the campaign.
   */
  script?: { startRatio: number; step: number; stopRatio: number };
  /** Spend booked against a budget nobody set up: it shows as `unbudgeted`. */
  unconfigured?: boolean;
  /**
   * The manufacturer's co-op program (厂家市场支持) this budget's spend falls under: it pays back
   * `share` of every spend once the store claims it with evidence (`coop.ts`).
   */
  coop?: { program: CoopProgram; share: number };
}

/** The kinds of program the manufacturer runs each year: lead generation and materials, auto shows. */
export type CoopProgram = '市场支持' | '车展支持';
/** The program as the manufacturer's portal names it, one a year: `一汽丰田2026市场支持`. */
export const coopProgramName = (program: CoopProgram, year: number): string => `一汽丰田${year}${program}`;

export interface StoreProfile {
  code: string;
  name: string;
  timezone: string;
  /** 0 (quiet) … 1 (busy): where in the daily ranges this store's volumes sit. */
  busy: number;
  /** Share of service visits booked in advance (预约). */
  appointmentShare: number;
  budgets: readonly BudgetPlan[];
  /**
   * The month's targets (刚性目标) as a share of what the store will actually do that month: below 1
   * the store is on track, above 1 it falls behind.
   */
  targets: { orders: number; deliveries: number; leads: number };
}

const ONLINE_VENDORS = ['汽车之家', '懂车帝', '易车'] as const;
const VIDEO_VENDORS = ['巨量引擎', '快手磁力引擎'] as const;
const SHOW_VENDORS = ['华东国际会展服务有限公司', '杭州锦程展览工程有限公司', '上海意方广告有限公司'] as const;
const CARE_VENDORS = ['鲜丰水果', '良品铺子', '浙江车享洗车服务有限公司'] as const;
const POS_VENDORS = ['快印坊广告制作', '江南标识制作有限公司'] as const;

const online = (amount: number, pace: number): BudgetPlan => ({
  key: 'online',
  name: '线上投放',
  amount,
  warnAt: 0.8,
  pace,
  rhythm: 'daily',
  vendors: ONLINE_VENDORS,
  campaign: true,
  // Leads from the manufacturer-approved auto portals: the program pays back 30 %.
  coop: { program: '市场支持', share: 0.3 },
});
const show = (amount: number, pace: number): BudgetPlan => ({
  key: 'show',
  name: '车展活动',
  amount,
  warnAt: 0.8,
  pace,
  rhythm: 'show',
  vendors: SHOW_VENDORS,
  campaign: true,
  // Auto shows with the manufacturer's booth design: half of it comes back.
  coop: { program: '车展支持', share: 0.5 },
});
const care = (amount: number, pace: number): BudgetPlan => ({
  key: 'care',
  name: '老客户关怀',
  amount,
  warnAt: 0.8,
  pace,
  rhythm: 'weekly',
  vendors: CARE_VENDORS,
});
const video = (amount: number, pace: number): BudgetPlan => ({
  key: 'video',
  name: '短视频推广',
  amount,
  warnAt: 0.8,
  pace,
  rhythm: 'daily',
  vendors: VIDEO_VENDORS,
});
const pos = (amount: number, pace: number): BudgetPlan => ({
  key: 'pos',
  name: '店头物料',
  amount,
  warnAt: 0.85,
  pace,
  rhythm: 'weekly',
  vendors: POS_VENDORS,
  // Point-of-sale materials in the manufacturer's CI: 40 %.
  coop: { program: '市场支持', share: 0.4 },
});

export const GROUP_NAME = '华东汽车集团';

export const STORES: readonly StoreProfile[] = [
  {
    code: 'HZ01',
    name: '杭州西湖店',
    timezone: 'Asia/Shanghai',
    busy: 0.7,
    appointmentShare: 0.58,
    budgets: [
      online(180_000, 0.62),
      show(250_000, 0.55),
      care(50_000, 0.5),
      // Crosses its warn level (预警) a few minutes into the demo.
      { ...video(60_000, 0.7), script: { startRatio: 0.765, step: 0.006, stopRatio: 0.93 } },
      pos(30_000, 0.45),
    ],
    targets: { orders: 0.95, deliveries: 0.96, leads: 0.92 },
  },
  {
    code: 'HZ02',
    name: '杭州滨江店',
    timezone: 'Asia/Shanghai',
    busy: 0.4,
    appointmentShare: 0.5,
    budgets: [online(120_000, 0.66), care(35_000, 0.55), video(45_000, 0.6)],
    targets: { orders: 1, deliveries: 0.98, leads: 0.97 },
  },
  {
    code: 'SH01',
    name: '上海浦东店',
    timezone: 'Asia/Shanghai',
    busy: 0.9,
    appointmentShare: 0.55,
    budgets: [
      // Trips (跳闸) a few minutes into the demo.
      { ...online(220_000, 0.7), script: { startRatio: 0.975, step: 0.012, stopRatio: 1.02 } },
      show(300_000, 0.6),
      care(60_000, 0.5),
      video(80_000, 0.65),
    ],
    targets: { orders: 0.92, deliveries: 0.94, leads: 0.95 },
  },
  {
    code: 'NJ01',
    name: '南京河西店',
    timezone: 'Asia/Shanghai',
    busy: 0.25,
    appointmentShare: 0.47,
    budgets: [
      online(100_000, 0.6),
      care(30_000, 0.55),
      video(40_000, 0.58),
      pos(20_000, 0.5),
      {
        key: 'anniv',
        name: '店庆活动',
        amount: 20_000,
        warnAt: 0.8,
        pace: 0.35,
        rhythm: 'weekly',
        vendors: ['南京花语鲜花店', '金陵礼品定制'],
        unconfigured: true,
      },
    ],
    // Deliveries lag: cars of the popular trims are short (缺车), the wall shows it.
    targets: { orders: 0.97, deliveries: 1.3, leads: 0.95 },
  },
];

/** `2026-11` → `2611`, to keep ids short. */
const yymm = (month: string): string => month.slice(2, 4) + month.slice(5, 7);
export const budgetIdOf = (store: string, month: string, key: BudgetKey): string => `${store}-${yymm(month)}-${key}`;
export const campaignIdOf = (store: string, month: string, key: BudgetKey): string => `CMP-${store}-${yymm(month)}-${key}`;

/** Guide prices in yuan (指导价区间, after the usual discounts). */
export const MODELS = [
  { name: '卡罗拉', price: [119_800, 159_800], weight: 20 },
  { name: '雷凌', price: [118_800, 164_800], weight: 17 },
  { name: '凯美瑞', price: [179_800, 269_800], weight: 22 },
  { name: 'RAV4荣放', price: [178_800, 259_800], weight: 18 },
  { name: '亚洲龙', price: [199_800, 279_800], weight: 8 },
  { name: '汉兰达', price: [269_800, 359_800], weight: 10 },
  { name: '赛那', price: [329_800, 449_800], weight: 5 },
] as const;
export type ModelName = (typeof MODELS)[number]['name'];
export const MODEL_WEIGHTS = Object.fromEntries(MODELS.map((m) => [m.name, m.weight])) as Record<ModelName, number>;
export const priceRangeOf = (model: ModelName): readonly [number, number] => MODELS.find((m) => m.name === model)!.price;

/** The most common surnames, the first ones repeated so that they come up as often as in life. */
const SURNAMES = [
  ...'王李张刘陈王李张刘陈杨黄赵吴周杨黄赵吴周',
  ...'徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾夏方邹熊白孟秦邱侯江尹薛段雷龙史陶贺毛郝顾龚邵万钱戴严',
];
const GIVEN = [
  ...['伟', '强', '磊', '军', '勇', '杰', '涛', '明', '超', '刚', '浩', '鹏', '辉', '斌', '凯', '峰', '鑫', '博'],
  ...['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '婷', '玲', '燕', '琳', '颖', '欣', '倩', '洁', '慧', '蕾'],
  ...['建国', '建华', '志强', '志明', '海涛', '晓东', '俊杰', '浩然', '子轩', '宇航', '一鸣', '思远', '文博', '家豪'],
  ...['明轩', '立新', '国庆', '永刚', '春雷', '建军', '晓峰', '秀英', '桂英', '丽娟', '海燕', '晓燕', '文静', '雪梅'],
  ...['欣怡', '子涵', '雨萱', '佳怡', '诗涵', '梦瑶', '思琪', '婉婷', '慧敏', '美玲', '玉兰', '春梅', '静怡', '晓丽'],
];
/** Mobile number prefixes of China Mobile, China Unicom and China Telecom. */
const MOBILE_PREFIXES = [
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '178',
  '182',
  '183',
  '187',
  '188',
  '198',
  '130',
  '131',
  '132',
  '155',
  '156',
  '166',
  '175',
  '176',
  '185',
  '186',
  '133',
  '153',
  '177',
  '180',
  '181',
  '189',
  '191',
  '199',
];

export interface Person {
  id: string;
  name: string;
  phone: string;
}

export function personOf(rng: Rng, id: string): Person {
  const digits = String(intBetween(rng, 0, 99_999_999)).padStart(8, '0');
  return { id, name: pick(rng, SURNAMES) + pick(rng, GIVEN), phone: pick(rng, MOBILE_PREFIXES) + digits };
}

/**
 * A customer is the same person wherever the id turns up (a lead who comes back, an old customer
 * bringing the car in): name and phone follow from (seed, id) alone.
 */
export const customerOf = (seed: number, id: string): Person => personOf(rngFor(seed, 'customer', id), id);

/** Long-standing customers in the dealer's CRM (老客户) who turn up now and then: a visit, a service. */
export const HISTORY_CUSTOMERS = 300;
export const historyCustomerId = (store: string, n: number): string => `${store}-hc-${String(n).padStart(3, '0')}`;

export const MEDIA_OUTLETS = ['汽车之家', '懂车帝', '易车', '微博', '抖音', '小红书'] as const;

export const MEDIA_TITLES = {
  positive: [
    '{store}交车仪式满满仪式感，{model}车主分享提车体验',
    '{store}周末试驾会人气火爆',
    '{model}车主口碑：{store}销售顾问服务专业',
  ],
  neutral: ['{model}本月优惠行情汇总，{store}到店实拍', '{store}新车到店：{model}静态体验', '{model}保养费用一览，{store}实测'],
  negative: ['网友吐槽{store}保养等待时间过长', '{store}提车延期，车主发帖求助'],
} as const;

export const COMPLAINT_SUMMARIES = {
  sales: ['交车时间比约定晚了两天', '销售顾问承诺的装饰未兑现', '金融手续费与报价不一致'],
  service: ['保养等待时间过长，超过预约时间一小时', '维修后异响仍未解决', '洗车不干净，内饰有污渍'],
  parts: ['配件需要订货，等待时间太长', '更换的刹车片价格偏高'],
  staff: ['服务顾问态度冷淡', '电话多次无人接听'],
  other: ['休息区空调太冷', '停车位不足'],
} as const;

/** What makes stock move out: showroom traffic, test drives, events, handovers and the workshop. */
export type Occasion = 'firstVisit' | 'returnVisit' | 'testDrive' | 'eventLead' | 'roadshow' | 'delivery' | 'service';

export interface MaterialItem {
  /** The item id is `{store}-{key}`. */
  key: string;
  name: string;
  /** 库存预警: the item shows as low at or below this stock; about two days of use. */
  reorderLevel: number;
  /** Units issued per occasion; a fraction is the chance of one more (0.3: one unit three times in ten). */
  uses: Partial<Record<Occasion, number>>;
}

/** Promotional materials (宣传物料) handed out in the showroom, at test drives, events and handovers. */
export const PROMO_MATERIALS: readonly MaterialItem[] = [
  { key: 'POSTER-RAV4', name: '车型海报（RAV4荣放）', reorderLevel: 40, uses: { eventLead: 1, roadshow: 8, firstVisit: 0.1 } },
  { key: 'BROCHURE', name: '车型宣传册', reorderLevel: 80, uses: { firstVisit: 0.8, testDrive: 0.3 } },
  { key: 'TDGIFT', name: '试驾礼品（定制保温杯）', reorderLevel: 40, uses: { testDrive: 1 } },
  { key: 'ROLLUP', name: '展台易拉宝', reorderLevel: 12, uses: { roadshow: 2, eventLead: 0.5 } },
  { key: 'MODELCAR', name: '车模礼品（1:43）', reorderLevel: 20, uses: { delivery: 1 } },
  { key: 'COUPON', name: '保养优惠券', reorderLevel: 60, uses: { delivery: 2, returnVisit: 0.3 } },
];

/** Parts issued by the workshop (配件出库) for maintenance jobs. */
export const PARTS: readonly MaterialItem[] = [
  { key: 'OILFILTER-04152', name: '机油滤清器', reorderLevel: 70, uses: { service: 1 } },
  { key: 'AIRFILTER-87139', name: '空调滤芯', reorderLevel: 20, uses: { service: 0.3 } },
  { key: 'WIPER-85222', name: '雨刮片', reorderLevel: 8, uses: { service: 0.1 } },
];

/**
 * Every store keeps all of them. The group's material centre tops up one item of each store a day,
 * in turn, so each item is restocked every `MATERIALS.length` days.
 */
export const MATERIALS: readonly MaterialItem[] = [...PROMO_MATERIALS, ...PARTS];
export const itemIdOf = (store: string, item: MaterialItem): string => `${store}-${item.key}`;
