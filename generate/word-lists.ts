/**
 * The vocabulary of the synthetic ledger. Kept apart from the SQL so that a reader can change the
 * flavour of the data (names, teams, collectors) without touching how it is drawn.
 */

/** A value and its relative weight; weights need not sum to anything in particular. */
export type Weighted = readonly [value: string, weight: number];

export const CUSTOMER_GROUPS: readonly Weighted[] = [
  ["Retail", 30],
  ["Wholesale", 22],
  ["Distributor", 15],
  ["Hospitality", 15],
  ["Export", 10],
  ["Government", 8],
];

/** Regional teams; the biggest customers go to Key Accounts instead (see customers.ts). */
export const REGIONAL_TEAMS: readonly Weighted[] = [
  ["North", 40],
  ["South", 35],
  ["Central", 25],
];

export const KEY_ACCOUNTS_TEAM = "Key Accounts";

export interface Collector {
  team: string;
  name: string;
  email: string;
}

/** Two or three collectors per team, so that drill-down by collector has something to compare. */
export const COLLECTORS: readonly Collector[] = [
  { team: "North", name: "Nguyễn Thị Lan", email: "lan.nguyen@example.com" },
  { team: "North", name: "Trần Văn Hùng", email: "hung.tran@example.com" },
  { team: "North", name: "Phạm Thu Hà", email: "ha.pham@example.com" },
  { team: "South", name: "Lê Minh Tuấn", email: "tuan.le@example.com" },
  { team: "South", name: "Võ Thị Mai", email: "mai.vo@example.com" },
  { team: "South", name: "Somchai Prasert", email: "somchai.prasert@example.com" },
  { team: "Central", name: "Hoàng Anh Dũng", email: "dung.hoang@example.com" },
  { team: "Central", name: "Siriporn Chaiyaporn", email: "siriporn.chaiyaporn@example.com" },
  { team: "Key Accounts", name: "Emily Carter", email: "emily.carter@example.com" },
  { team: "Key Accounts", name: "Đặng Quốc Bảo", email: "bao.dang@example.com" },
  { team: "Key Accounts", name: "Nattaya Srisuk", email: "nattaya.srisuk@example.com" },
];

/** Credit terms in days and how common each is. */
export const CREDIT_TERMS: readonly (readonly [days: number, weight: number])[] = [
  [15, 15],
  [30, 45],
  [45, 20],
  [60, 20],
];

// Vietnamese company names: legal form + optional line of business + a two-syllable trade name.
export const VN_LEGAL_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp Tư nhân"];
export const VN_TRADES = ["", "", "Thương mại", "Xây dựng", "Thực phẩm", "Dịch vụ", "Vận tải", "Dược phẩm", "Thiết bị"];
// Trade names pair a first and a second syllable from separate lists, so none reads "Minh Minh".
export const VN_FIRST = ["Minh", "Hoàng", "Việt", "Gia", "Tân", "Kim", "Bảo", "Phú", "Thành", "Nam", "Đức", "Quang"];
export const VN_SECOND = ["Phát", "Hưng", "Thịnh", "An", "Đạt", "Long", "Tín", "Sơn", "Hải", "Phước", "Lợi", "Khang"];
export const VN_CITIES = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Huế", "Nha Trang", "Cần Thơ", "Biên Hòa", "Vũng Tàu"];

// Thai company names: a place or family word + a line of business + a legal form (most contain a comma).
export const TH_WORDS = [
  "Siam", "Chao Phraya", "Krungthep", "Lanna", "Rattana", "Sukhothai",
  "Chaiyo", "Somboon", "Charoen", "Sawasdee", "Ayutthaya", "Isan",
];
export const TH_TRADES = ["Trading", "Foods", "Logistics", "Hardware", "Supply", "Textile", "Agro", "Motors"];
export const TH_LEGAL_FORMS = ["Co., Ltd.", "Co., Ltd.", "Public Company Limited", "Limited Partnership"];
export const TH_CITIES = ["Bangkok", "Chiang Mai", "Khon Kaen", "Phuket", "Chonburi", "Hat Yai"];

// English-style SME names: adjective + noun + line of business + optional legal form.
export const EN_ADJECTIVES = [
  "Blue", "Golden", "Green", "Silver", "Red", "Pacific", "Eastern", "Mekong", "Royal", "Sunrise", "Jade", "Lucky",
];
export const EN_NOUNS = ["River", "Lotus", "Bamboo", "Harbor", "Dragon", "Orchid", "Tiger", "Palm", "Pearl", "Crane"];
export const EN_TRADES = ["Foods", "Traders", "Hotel & Resort", "Supplies", "Imports", "Pharmacy", "Café", "Electronics"];
export const EN_LEGAL_FORMS = ["", "", "Ltd", "Pte. Ltd.", "LLC", "& Co."];

export const CHANNELS_BY_MARKET: Record<"VN" | "TH" | "OTHER", readonly Weighted[]> = {
  VN: [["phone", 40], ["zalo", 25], ["email", 22], ["visit", 7], ["letter", 5], ["line", 1]],
  TH: [["phone", 40], ["line", 25], ["email", 22], ["visit", 7], ["letter", 5], ["zalo", 1]],
  OTHER: [["phone", 40], ["email", 35], ["visit", 8], ["letter", 7], ["zalo", 5], ["line", 5]],
};
