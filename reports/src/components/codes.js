// The words for the codes the marts carry (reasons, outcomes, channels, classes, statuses…), per
// kind of code, in English, Vietnamese and Thai. The pages show these words; the CSV downloads
// keep the codes, so a spreadsheet can still filter and join on them. A code not listed here
// (an ERP's own channel, say) is shown as it came.
const CODES = {
  en: {
    bucket: { not_due: "Not due" },
    document_type: { invoice: "Invoice", debit_note: "Debit note", credit_note: "Credit note", write_off: "Write-off", payment: "Unapplied cash" },
    credit_status: { ok: "Within limit", near_limit: "Near limit", over_limit: "Over limit", no_limit: "No limit set" },
    behaviour: { prompt: "Prompt", slow: "Slow", unstable: "Unstable", defaulting: "Defaulting", no_history: "No history" },
    rate_source: { segment: "This segment", portfolio: "Portfolio", assumed: "Assumed (all rolls on)", configured: "Set by finance", fallback: "Set by finance (no history yet)", no_history: "No history", defaulted: "In default (loss given default)" },
    method: { roll_rate: "Roll rates", matrix: "Rates set by finance" },
    promise_status: { kept: "Kept", broken: "Broken", open: "Open" },
    channel: { phone: "Phone", zalo: "Zalo", email: "Email", visit: "Visit", letter: "Letter", line: "LINE", sms: "SMS" },
    outcome: { promise_to_pay: "Promise to pay", paid: "Paid", callback_requested: "Callback requested", no_answer: "No answer", dispute: "Dispute", refused: "Refused" },
    reason: {
      cash_flow: "Cash-flow difficulty", awaiting_approval: "Awaiting approval", missing_po: "Missing purchase order", dispute_quality: "Quality dispute",
      dispute_price: "Price dispute", wrong_invoice_address: "Wrong address on the invoice", customer_closed: "Customer closed down",
    },
    customer_status: { active: "Active", blocked: "Blocked" },
    test_status: { pass: "Passed", warn: "Warning", fail: "Failed" },
    severity: { error: "Blocking", warn: "Warning" },
    segment: { all: "All customers" },
    rule: {
      over_limit: "Over credit limit", near_limit: "Near credit limit", over_max_debt_age: "Balance past the maximum debt age", overdue: "Overdue",
      broken_promise: "Broken promise to pay", milestone: "Reminder milestone", portfolio_expected_loss_above: "Expected credit loss above its limit",
      portfolio_expected_loss_up: "Expected credit loss up month on month", portfolio_dso_above: "DSO above target",
      portfolio_follow_up_share_below: "Share under follow-up below target", portfolio_expected_bad_debt_up: "Expected bad debt up",
    },
    recipient_role: { collector: "Collector", fallback: "Fallback (no collector address)", finance: "Finance" },
    message_status: { pending: "Waiting", sent: "Sent", failed: "Failed" },
    section: { milestone: "Reminder milestones", promise_due: "Promises falling due", call_first: "Call first", disputed: "Disputed (not chased)" },
    address_problem: { missing: "No address", invalid: "Not a valid address", not_in_customers_extract: "Not in the customers extract" },
    credit_decision: { approve: "Approve", warn: "Warn", hold: "Hold", block: "Block" },
    credit_reason: {
      customer_blocked: "Customer blocked", bad_debt: "Balance past the maximum debt age", defaulting: "Defaulting payer", unstable_over_limit: "Unstable payer at its limit",
      over_limit: "Over the credit limit", days_past_due: "Long overdue", stale_data: "Figures out of date", near_limit: "Near the credit limit", no_limit: "No limit set", overdue: "Overdue",
    },
    check_source: { cli: "Command line", api: "API" },
  },
  vi: {
    bucket: { not_due: "Chưa đến hạn" },
    document_type: { invoice: "Hóa đơn", debit_note: "Giấy báo nợ", credit_note: "Giấy báo có", write_off: "Xóa nợ", payment: "Tiền thu chưa phân bổ" },
    credit_status: { ok: "Trong hạn mức", near_limit: "Gần hạn mức", over_limit: "Vượt hạn mức", no_limit: "Chưa đặt hạn mức" },
    behaviour: { prompt: "Trả đúng hạn", slow: "Trả chậm", unstable: "Thất thường", defaulting: "Mất khả năng trả", no_history: "Chưa có lịch sử" },
    rate_source: { segment: "Theo phân khúc", portfolio: "Toàn danh mục", assumed: "Giả định (chuyển hết)", configured: "Do bộ phận tài chính đặt", fallback: "Do bộ phận tài chính đặt (chưa có lịch sử)", no_history: "Chưa có lịch sử", defaulted: "Đã vỡ nợ (tỷ lệ tổn thất khi vỡ nợ)" },
    method: { roll_rate: "Tỷ lệ chuyển nhóm", matrix: "Tỷ lệ do bộ phận tài chính đặt" },
    promise_status: { kept: "Giữ lời", broken: "Thất hứa", open: "Chưa đến hạn hẹn" },
    channel: { phone: "Điện thoại", zalo: "Zalo", email: "Email", visit: "Gặp trực tiếp", letter: "Thư", line: "LINE", sms: "SMS" },
    outcome: { promise_to_pay: "Hứa thanh toán", paid: "Đã thanh toán", callback_requested: "Hẹn gọi lại", no_answer: "Không liên lạc được", dispute: "Khiếu nại", refused: "Từ chối thanh toán" },
    reason: {
      cash_flow: "Khó khăn dòng tiền", awaiting_approval: "Đang chờ phê duyệt", missing_po: "Thiếu đơn đặt hàng (PO)", dispute_quality: "Khiếu nại chất lượng",
      dispute_price: "Khiếu nại giá", wrong_invoice_address: "Sai địa chỉ trên hóa đơn", customer_closed: "Khách hàng ngừng hoạt động",
    },
    customer_status: { active: "Đang hoạt động", blocked: "Bị khóa" },
    test_status: { pass: "Đạt", warn: "Cảnh báo", fail: "Không đạt" },
    severity: { error: "Chặn", warn: "Cảnh báo" },
    segment: { all: "Tất cả khách hàng" },
    rule: {
      over_limit: "Vượt hạn mức tín dụng", near_limit: "Gần hạn mức tín dụng", over_max_debt_age: "Số dư quá tuổi nợ tối đa", overdue: "Quá hạn",
      broken_promise: "Thất hứa thanh toán", milestone: "Mốc nhắc nợ", portfolio_expected_loss_above: "Tổn thất tín dụng dự kiến vượt ngưỡng",
      portfolio_expected_loss_up: "Tổn thất tín dụng dự kiến tăng so với tháng trước", portfolio_dso_above: "DSO vượt mục tiêu",
      portfolio_follow_up_share_below: "Tỷ lệ đang theo dõi thấp hơn mục tiêu", portfolio_expected_bad_debt_up: "Nợ xấu dự kiến tăng",
    },
    recipient_role: { collector: "Người thu nợ", fallback: "Địa chỉ dự phòng (không có địa chỉ người thu nợ)", finance: "Tài chính" },
    message_status: { pending: "Đang chờ", sent: "Đã gửi", failed: "Không thành công" },
    section: { milestone: "Mốc nhắc nợ", promise_due: "Hẹn thanh toán đến hạn", call_first: "Gọi trước", disputed: "Đang khiếu nại (không đòi)" },
    address_problem: { missing: "Không có địa chỉ", invalid: "Địa chỉ không hợp lệ", not_in_customers_extract: "Không có trong danh sách khách hàng" },
    credit_decision: { approve: "Chấp thuận", warn: "Cảnh báo", hold: "Tạm giữ", block: "Chặn" },
    credit_reason: {
      customer_blocked: "Khách hàng bị khóa", bad_debt: "Số dư quá tuổi nợ tối đa", defaulting: "Mất khả năng trả", unstable_over_limit: "Trả thất thường, đã chạm hạn mức",
      over_limit: "Vượt hạn mức tín dụng", days_past_due: "Quá hạn lâu", stale_data: "Số liệu đã cũ", near_limit: "Gần hạn mức tín dụng", no_limit: "Chưa đặt hạn mức", overdue: "Quá hạn",
    },
    check_source: { cli: "Dòng lệnh", api: "API" },
  },
  th: {
    bucket: { not_due: "ยังไม่ครบกำหนด" },
    document_type: { invoice: "ใบแจ้งหนี้", debit_note: "ใบเพิ่มหนี้", credit_note: "ใบลดหนี้", write_off: "ตัดหนี้สูญ", payment: "เงินรับที่ยังไม่จับคู่" },
    credit_status: { ok: "อยู่ในวงเงิน", near_limit: "ใกล้เต็มวงเงิน", over_limit: "เกินวงเงิน", no_limit: "ยังไม่กำหนดวงเงิน" },
    behaviour: { prompt: "ชำระตรงเวลา", slow: "ชำระล่าช้า", unstable: "ไม่สม่ำเสมอ", defaulting: "ผิดนัดชำระ", no_history: "ยังไม่มีประวัติ" },
    rate_source: { segment: "ของกลุ่มนี้", portfolio: "ทั้งพอร์ต", assumed: "สมมติ (เลื่อนทั้งหมด)", configured: "กำหนดโดยฝ่ายการเงิน", fallback: "กำหนดโดยฝ่ายการเงิน (ยังไม่มีประวัติ)", no_history: "ยังไม่มีประวัติ", defaulted: "ผิดนัดแล้ว (อัตราความเสียหายเมื่อผิดนัด)" },
    method: { roll_rate: "อัตราการเลื่อนช่วง", matrix: "อัตราที่ฝ่ายการเงินกำหนด" },
    promise_status: { kept: "ทำตามนัด", broken: "ผิดนัด", open: "ยังไม่ถึงวันนัด" },
    channel: { phone: "โทรศัพท์", zalo: "Zalo", email: "อีเมล", visit: "เข้าพบ", letter: "จดหมาย", line: "LINE", sms: "SMS" },
    outcome: { promise_to_pay: "นัดชำระ", paid: "ชำระแล้ว", callback_requested: "ขอให้ติดต่อกลับ", no_answer: "ติดต่อไม่ได้", dispute: "โต้แย้งหนี้", refused: "ปฏิเสธการชำระ" },
    reason: {
      cash_flow: "ปัญหาสภาพคล่อง", awaiting_approval: "รออนุมัติ", missing_po: "ไม่มีใบสั่งซื้อ (PO)", dispute_quality: "โต้แย้งเรื่องคุณภาพ",
      dispute_price: "โต้แย้งเรื่องราคา", wrong_invoice_address: "ที่อยู่ในใบแจ้งหนี้ไม่ถูกต้อง", customer_closed: "ลูกค้าปิดกิจการ",
    },
    customer_status: { active: "ใช้งาน", blocked: "ระงับ" },
    test_status: { pass: "ผ่าน", warn: "เตือน", fail: "ไม่ผ่าน" },
    severity: { error: "หยุดการสร้าง", warn: "เตือน" },
    segment: { all: "ลูกค้าทั้งหมด" },
    rule: {
      over_limit: "เกินวงเงินเครดิต", near_limit: "ใกล้เต็มวงเงินเครดิต", over_max_debt_age: "ยอดค้างเกินอายุหนี้สูงสุด", overdue: "เกินกำหนดชำระ",
      broken_promise: "ผิดนัดชำระ", milestone: "ถึงกำหนดเตือน", portfolio_expected_loss_above: "ผลขาดทุนด้านเครดิตที่คาดไว้เกินเกณฑ์",
      portfolio_expected_loss_up: "ผลขาดทุนด้านเครดิตที่คาดไว้เพิ่มขึ้นจากเดือนก่อน", portfolio_dso_above: "DSO สูงกว่าเป้าหมาย",
      portfolio_follow_up_share_below: "สัดส่วนที่อยู่ระหว่างติดตามต่ำกว่าเป้าหมาย", portfolio_expected_bad_debt_up: "หนี้สูญที่คาดไว้เพิ่มขึ้น",
    },
    recipient_role: { collector: "ผู้ติดตามหนี้", fallback: "ที่อยู่สำรอง (ไม่มีอีเมลผู้ติดตามหนี้)", finance: "ฝ่ายการเงิน" },
    message_status: { pending: "รอส่ง", sent: "ส่งแล้ว", failed: "ไม่สำเร็จ" },
    section: { milestone: "ถึงกำหนดเตือน", promise_due: "นัดชำระที่ถึงกำหนด", call_first: "โทรก่อน", disputed: "มีข้อโต้แย้ง (ไม่ติดตาม)" },
    address_problem: { missing: "ไม่มีอีเมล", invalid: "อีเมลไม่ถูกต้อง", not_in_customers_extract: "ไม่มีในข้อมูลลูกค้า" },
    credit_decision: { approve: "อนุมัติ", warn: "เตือน", hold: "พักไว้", block: "ปฏิเสธ" },
    credit_reason: {
      customer_blocked: "ลูกค้าถูกระงับ", bad_debt: "ยอดค้างเกินอายุหนี้สูงสุด", defaulting: "ผิดนัดชำระ", unstable_over_limit: "ชำระไม่สม่ำเสมอและเต็มวงเงิน",
      over_limit: "เกินวงเงินเครดิต", days_past_due: "ค้างชำระนาน", stale_data: "ข้อมูลไม่เป็นปัจจุบัน", near_limit: "ใกล้เต็มวงเงินเครดิต", no_limit: "ยังไม่กำหนดวงเงิน", overdue: "เกินกำหนดชำระ",
    },
    check_source: { cli: "บรรทัดคำสั่ง", api: "API" },
  },
};

/** The kinds of code there are words for. */
export const CODE_KINDS = Object.keys(CODES.en);

/** All the words per kind and locale, for the test that checks each code has all three. */
export const CODE_WORDS = CODES;

/**
 * A function (kind, code) → the word in the locale; a code without a word is shown as it came,
 * and the marts' '(none)' (no reason, no channel) as the locale's word for none.
 */
export function codeLabels(locale, none) {
  const words = CODES[locale] ?? CODES.en;
  return (kind, code) => {
    if (code == null) return "";
    if (code === "(none)") return none;
    return words[kind]?.[code] ?? CODES.en[kind]?.[code] ?? code;
  };
}
