// Labels in English, Vietnamese and Thai. The site's language is site.locale from the config,
// unless the reader picked another with the switch (kept in this browser's localStorage).
const LABELS = {
  en: {
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
