// Labels in English, Vietnamese and Thai. The site's language is site.locale from the config,
// unless the reader picked another with the switch (kept in this browser's localStorage).
const LABELS = {
  en: {
    ledger_facts: "Ledger facts to check", fact: "Fact", items: "Items", derived_due_date: "Open documents without a due date (due date derived from the credit term)", unapplied_cash: "Unapplied cash", unapplied_credits: "Unapplied credits", over_applied: "Documents paid or credited more than their amount", no_limit_with_exposure: "Customers with exposure and no credit limit", not_in_customers_extract: "Customers missing from the customers extract", test_results: "Data tests of the latest build",
    rows_shown: "{n} of {total} rows shown; the download has them all",
    search_placeholder: "Search customers by name or ID", largest_balances: "Largest balances", not_found: "No such customer", payment_history: "Payment history", follow_up_log: "Follow-ups", avg_days_late: "Average days late", channel: "Channel", outcome: "Outcome", promised_date: "Promised by",
    expected_loss: "Expected loss", provision_matrix: "Provision matrix", segment: "Segment", gross_amount: "Gross", loss_rate: "Loss rate", roll_rate: "Roll rate", rate_source: "Rate from", loss_rates_derived: "How the loss rates were derived", allowance_movement: "Allowance movement", opening: "Opening", charge: "Charge (release)", written_off: "Written off", closing: "Closing", window: "Window", month_pairs: "Month pairs", method: "Method", observed: "Observed balance",
    credit: "Credit", customers: "Customers", utilisation: "Utilisation", available: "Available", over_limit: "Over limit", near_limit: "Near limit", no_limit_list: "No limit set (with exposure)", showing_of: "showing the largest {n} of {total}", advice: "Credit-limit advice", current_limit: "Current limit", recommended_limit: "Recommended", behaviour: "Behaviour", reason: "Reason", backtest: "Back-test", held_back: "Invoices held back", amount_held_back: "Amount held back", write_offs_avoided: "Write-offs avoided", status_counts: "Customers by credit status",
    collections: "Collections", attempts: "Attempts", by_channel: "Attempts per month by channel", by_outcome: "Attempts per month by outcome", promises: "Promises to pay", promises_made: "Made", promises_kept: "Kept", promises_broken: "Broken", kept_rate: "Kept rate", collected_30d: "Collected within 30 days", reasons: "Reasons for non-payment, ranked by amount", amount_affected: "Amount affected", collector_comparison: "Collectors and teams", since: "since",
    aging: "Aging", company: "Company", customer_group: "Customer group", document: "Document", total: "Total", none: "(none)", exposure: "Exposure", credit_limit: "Credit limit", no_limit: "no limit set", type: "Type", document_date: "Date", due_date: "Due", amount: "Amount",
    overview: "Overview", total_outstanding: "Total outstanding", overdue_share: "Overdue share", dso: "DSO (days)",
    expected_credit_loss: "Expected credit loss", expected_bad_debt: "Expected bad debt", customers_over_limit: "Customers over limit",
    monthly_trend: "Outstanding, under follow-up and overdue by month", gross: "Outstanding (gross)", under_follow_up: "Under follow-up",
    overdue: "Overdue", aging_by_bucket: "Aging by bucket", bucket: "Bucket", outstanding: "Outstanding", open_items: "Open items",
    changed: "What changed since last month", measure: "Measure", last_month: "Last month", this_month: "This month", change: "Change",
    data_quality: "Data quality", test: "Test", model: "Model", severity: "Severity", status: "Status", failures: "Rows", description: "What it checks",
    as_of: "As of", built: "built", language: "Language", download_csv: "Download CSV", collected: "Collected", invoiced: "Invoiced",
    of_gross: "of the gross receivable", customers_with_balance: "customers with a balance", month: "Month",
    top_overdue: "Largest overdue balances", customer: "Customer", team: "Team", collector: "Collector", days_past_due: "Days past due", credit_status: "Credit status",
  },
  vi: {
    ledger_facts: "Dữ kiện sổ cái cần kiểm tra", fact: "Dữ kiện", items: "Số mục", derived_due_date: "Chứng từ mở không có hạn thanh toán (suy ra từ thời hạn tín dụng)", unapplied_cash: "Tiền thu chưa phân bổ", unapplied_credits: "Ghi có chưa phân bổ", over_applied: "Chứng từ được thanh toán/ghi có vượt số tiền", no_limit_with_exposure: "Khách hàng có dư nợ nhưng chưa có hạn mức", not_in_customers_extract: "Khách hàng thiếu trong danh sách khách hàng", test_results: "Kiểm tra dữ liệu của lần dựng gần nhất",
    rows_shown: "hiển thị {n} trên {total} dòng; tệp tải về có đủ",
    search_placeholder: "Tìm khách hàng theo tên hoặc mã", largest_balances: "Dư nợ lớn nhất", not_found: "Không tìm thấy khách hàng", payment_history: "Lịch sử thanh toán", follow_up_log: "Nhật ký theo dõi", avg_days_late: "Số ngày trễ trung bình", channel: "Kênh", outcome: "Kết quả", promised_date: "Hẹn trả trước",
    expected_loss: "Tổn thất dự kiến", provision_matrix: "Ma trận dự phòng", segment: "Phân khúc", gross_amount: "Công nợ gộp", loss_rate: "Tỷ lệ tổn thất", roll_rate: "Tỷ lệ chuyển nhóm", rate_source: "Nguồn tỷ lệ", loss_rates_derived: "Cách tính tỷ lệ tổn thất", allowance_movement: "Biến động dự phòng", opening: "Đầu kỳ", charge: "Trích lập (hoàn nhập)", written_off: "Xóa nợ", closing: "Cuối kỳ", window: "Giai đoạn", month_pairs: "Số cặp tháng", method: "Phương pháp", observed: "Số dư quan sát",
    credit: "Tín dụng", customers: "Khách hàng", utilisation: "Tỷ lệ sử dụng", available: "Còn lại", over_limit: "Vượt hạn mức", near_limit: "Gần hạn mức", no_limit_list: "Chưa đặt hạn mức (có dư nợ)", showing_of: "hiển thị {n} lớn nhất trên {total}", advice: "Đề xuất hạn mức tín dụng", current_limit: "Hạn mức hiện tại", recommended_limit: "Đề xuất", behaviour: "Hành vi", reason: "Lý do", backtest: "Kiểm định ngược", held_back: "Hóa đơn bị chặn", amount_held_back: "Số tiền bị chặn", write_offs_avoided: "Xóa nợ tránh được", status_counts: "Khách hàng theo tình trạng tín dụng",
    collections: "Thu hồi nợ", attempts: "Lượt liên hệ", by_channel: "Lượt liên hệ theo kênh", by_outcome: "Lượt liên hệ theo kết quả", promises: "Hứa thanh toán", promises_made: "Đã hứa", promises_kept: "Giữ lời", promises_broken: "Thất hứa", kept_rate: "Tỷ lệ giữ lời", collected_30d: "Thu trong 30 ngày", reasons: "Lý do chưa thanh toán, xếp theo số tiền", amount_affected: "Số tiền liên quan", collector_comparison: "Người thu nợ và nhóm", since: "từ",
    aging: "Tuổi nợ", company: "Công ty", customer_group: "Nhóm khách hàng", document: "Chứng từ", total: "Tổng", none: "(không có)", exposure: "Dư nợ rủi ro", credit_limit: "Hạn mức tín dụng", no_limit: "chưa đặt hạn mức", type: "Loại", document_date: "Ngày", due_date: "Hạn thanh toán", amount: "Số tiền",
    overview: "Tổng quan", total_outstanding: "Tổng công nợ", overdue_share: "Tỷ lệ quá hạn", dso: "DSO (ngày)",
    expected_credit_loss: "Tổn thất tín dụng dự kiến", expected_bad_debt: "Nợ xấu dự kiến", customers_over_limit: "Khách hàng vượt hạn mức",
    monthly_trend: "Công nợ, đang theo dõi và quá hạn theo tháng", gross: "Công nợ (gộp)", under_follow_up: "Đang theo dõi",
    overdue: "Quá hạn", aging_by_bucket: "Tuổi nợ theo nhóm", bucket: "Nhóm", outstanding: "Công nợ", open_items: "Chứng từ mở",
    changed: "Thay đổi so với tháng trước", measure: "Chỉ tiêu", last_month: "Tháng trước", this_month: "Tháng này", change: "Thay đổi",
    data_quality: "Chất lượng dữ liệu", test: "Kiểm tra", model: "Mô hình", severity: "Mức độ", status: "Trạng thái", failures: "Dòng", description: "Nội dung kiểm tra",
    as_of: "Tính đến", built: "lập lúc", language: "Ngôn ngữ", download_csv: "Tải CSV", collected: "Đã thu", invoiced: "Đã xuất hóa đơn",
    of_gross: "trên tổng công nợ gộp", customers_with_balance: "khách hàng còn nợ", month: "Tháng",
    top_overdue: "Khách hàng quá hạn lớn nhất", customer: "Khách hàng", team: "Nhóm", collector: "Người thu nợ", days_past_due: "Số ngày quá hạn", credit_status: "Tình trạng tín dụng",
  },
  th: {
    ledger_facts: "ข้อเท็จจริงในบัญชีที่ควรตรวจ", fact: "รายการ", items: "จำนวน", derived_due_date: "เอกสารค้างที่ไม่มีวันครบกำหนด (คำนวณจากเครดิตเทอม)", unapplied_cash: "เงินรับที่ยังไม่จับคู่", unapplied_credits: "ใบลดหนี้ที่ยังไม่จับคู่", over_applied: "เอกสารที่รับชำระหรือลดหนี้เกินยอด", no_limit_with_exposure: "ลูกค้าที่มีภาระหนี้แต่ไม่มีวงเงิน", not_in_customers_extract: "ลูกค้าที่ไม่อยู่ในไฟล์ลูกค้า", test_results: "ผลการทดสอบข้อมูลของการสร้างครั้งล่าสุด",
    rows_shown: "แสดง {n} จาก {total} แถว ไฟล์ดาวน์โหลดมีครบทุกแถว",
    search_placeholder: "ค้นหาลูกค้าตามชื่อหรือรหัส", largest_balances: "ยอดคงค้างสูงสุด", not_found: "ไม่พบลูกค้า", payment_history: "ประวัติการชำระ", follow_up_log: "บันทึกการติดตาม", avg_days_late: "จำนวนวันล่าช้าเฉลี่ย", channel: "ช่องทาง", outcome: "ผลลัพธ์", promised_date: "นัดชำระภายใน",
    expected_loss: "ผลขาดทุนที่คาดไว้", provision_matrix: "ตารางค่าเผื่อ", segment: "กลุ่ม", gross_amount: "ยอดรวม", loss_rate: "อัตราความเสียหาย", roll_rate: "อัตราการเลื่อนช่วง", rate_source: "ที่มาของอัตรา", loss_rates_derived: "ที่มาของอัตราความเสียหาย", allowance_movement: "การเคลื่อนไหวของค่าเผื่อ", opening: "ยอดต้นงวด", charge: "ตั้งเพิ่ม (กลับรายการ)", written_off: "ตัดจำหน่าย", closing: "ยอดปลายงวด", window: "ช่วงเวลา", month_pairs: "จำนวนคู่เดือน", method: "วิธี", observed: "ยอดที่สังเกต",
    credit: "เครดิต", customers: "ลูกค้า", utilisation: "อัตราการใช้วงเงิน", available: "คงเหลือ", over_limit: "เกินวงเงิน", near_limit: "ใกล้เต็มวงเงิน", no_limit_list: "ยังไม่กำหนดวงเงิน (มีภาระหนี้)", showing_of: "แสดง {n} รายการสูงสุดจาก {total}", advice: "คำแนะนำวงเงินเครดิต", current_limit: "วงเงินปัจจุบัน", recommended_limit: "วงเงินแนะนำ", behaviour: "พฤติกรรม", reason: "เหตุผล", backtest: "ทดสอบย้อนหลัง", held_back: "ใบแจ้งหนี้ที่จะถูกระงับ", amount_held_back: "ยอดที่จะถูกระงับ", write_offs_avoided: "หนี้สูญที่หลีกเลี่ยงได้", status_counts: "ลูกค้าตามสถานะเครดิต",
    collections: "การติดตามหนี้", attempts: "ครั้งที่ติดต่อ", by_channel: "การติดต่อรายเดือนตามช่องทาง", by_outcome: "การติดต่อรายเดือนตามผลลัพธ์", promises: "การนัดชำระ", promises_made: "นัดแล้ว", promises_kept: "ทำตามนัด", promises_broken: "ผิดนัด", kept_rate: "อัตราทำตามนัด", collected_30d: "รับชำระภายใน 30 วัน", reasons: "เหตุผลที่ยังไม่ชำระ เรียงตามยอดเงิน", amount_affected: "ยอดที่เกี่ยวข้อง", collector_comparison: "ผู้ติดตามหนี้และทีม", since: "ตั้งแต่",
    aging: "อายุหนี้", company: "บริษัท", customer_group: "กลุ่มลูกค้า", document: "เอกสาร", total: "รวม", none: "(ไม่มี)", exposure: "ภาระหนี้รวม", credit_limit: "วงเงินเครดิต", no_limit: "ยังไม่กำหนดวงเงิน", type: "ประเภท", document_date: "วันที่", due_date: "ครบกำหนด", amount: "จำนวนเงิน",
    overview: "ภาพรวม", total_outstanding: "ยอดลูกหนี้คงค้าง", overdue_share: "สัดส่วนเกินกำหนด", dso: "DSO (วัน)",
    expected_credit_loss: "ผลขาดทุนด้านเครดิตที่คาดว่าจะเกิดขึ้น", expected_bad_debt: "หนี้สูญที่คาดไว้", customers_over_limit: "ลูกค้าเกินวงเงิน",
    monthly_trend: "ยอดคงค้าง ติดตามอยู่ และเกินกำหนด รายเดือน", gross: "ยอดคงค้าง (รวม)", under_follow_up: "อยู่ระหว่างติดตาม",
    overdue: "เกินกำหนด", aging_by_bucket: "อายุหนี้ตามช่วง", bucket: "ช่วง", outstanding: "ยอดคงค้าง", open_items: "รายการค้าง",
    changed: "การเปลี่ยนแปลงจากเดือนก่อน", measure: "รายการ", last_month: "เดือนก่อน", this_month: "เดือนนี้", change: "เปลี่ยนแปลง",
    data_quality: "คุณภาพข้อมูล", test: "การทดสอบ", model: "โมเดล", severity: "ระดับ", status: "สถานะ", failures: "แถว", description: "สิ่งที่ตรวจ",
    as_of: "ณ วันที่", built: "สร้างเมื่อ", language: "ภาษา", download_csv: "ดาวน์โหลด CSV", collected: "รับชำระ", invoiced: "ออกใบแจ้งหนี้",
    of_gross: "ของยอดลูกหนี้รวม", customers_with_balance: "ลูกค้าที่มียอดค้าง", month: "เดือน",
    top_overdue: "ลูกค้าค้างชำระสูงสุด", customer: "ลูกค้า", team: "ทีม", collector: "ผู้ติดตามหนี้", days_past_due: "วันที่เกินกำหนด", credit_status: "สถานะเครดิต",
  },
};

export const LOCALES = { en: "English", vi: "Tiếng Việt", th: "ไทย" };
const STORAGE_KEY = "arwatch.locale";

/** The reader's language: their own pick if any, else the configured one. */
export function currentLocale(configured) {
  try {
    const picked = localStorage.getItem(STORAGE_KEY);
    if (picked && picked in LABELS) return picked;
  } catch {
    // localStorage can be unavailable (private mode); the configured language serves.
  }
  return configured in LABELS ? configured : "en";
}

export function labels(locale) {
  return { ...LABELS.en, ...LABELS[locale] };
}

/** A language picker that reloads the page in the chosen language. */
export function localeSwitch(locale, label) {
  const select = document.createElement("select");
  select.setAttribute("aria-label", label);
  for (const [code, name] of Object.entries(LOCALES)) {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = name;
    option.selected = code === locale;
    select.append(option);
  }
  select.addEventListener("change", () => {
    try {
      localStorage.setItem(STORAGE_KEY, select.value);
    } catch {}
    location.reload();
  });
  return select;
}
