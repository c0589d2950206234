import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { renderDigest } from "../../notify/render/index.ts";
import { annaDigest } from "./mail-digest.ts";

async function render(locale: "vi" | "th") {
  const rendered = await renderDigest(annaDigest({ locale, currency: locale === "vi" ? "VND" : "THB" }));
  return { subject: rendered.subject, mail: await simpleParser(rendered.rawMime) };
}

describe("renderDigest in Vietnamese and Thai", () => {
  it("writes a Vietnamese digest: subject, rules, sections and CSV headers, VND without minor units", async () => {
    const { subject, mail } = await render("vi");
    expect(subject).toBe("arwatch · Tính đến 2026-06-30: 1 mới, 1 tăng mức, 0 nhắc lại · danh sách công việc 4");
    expect(mail.subject).toBe(subject);
    const text = String(mail.text);
    expect(text).toContain("Chào Anna,");
    expect(text).toContain("- Vượt hạn mức tín dụng (Mới, Mức 1): Acme Trading (C001) · 1,500\n");
    expect(text).toContain("    Hạn mức tín dụng: 10,000; Dư nợ rủi ro: 11,500\n");
    expect(text).toContain("- Quá hạn (Tăng mức, Mức 2)");
    expect(text).toContain("-- Đang khiếu nại: liệt kê riêng, không đòi nợ --");
    expect(text).toContain("Lý do: Khiếu nại chất lượng");
    expect(text).toContain("Trang khách hàng: https://ar.example.com/reports/customer?id=C001");
    expect(String(mail.html)).toContain('<html lang="vi">');
    expect(mail.headers.get("content-language")).toBe("vi");
    const csv = mail.attachments[0]!.content.toString("utf8");
    expect(csv.split("\r\n")[0]).toBe("\uFEFFLoại,Cảnh báo hoặc mục,Thay đổi,Mức,Thứ tự,Mã khách hàng,Khách hàng,Chứng từ,Số tiền,Tiền tệ,Số ngày quá hạn,Hạn thanh toán,Phát hiện lần đầu,Chi tiết");
  });

  it("writes a Thai digest: subject, rules, sections, THB with two decimals", async () => {
    const { subject, mail } = await render("th");
    expect(subject).toBe("arwatch · ณ วันที่ 2026-06-30: ใหม่ 1 รุนแรงขึ้น 1 แจ้งซ้ำ 0 · รายการงาน 4");
    const text = String(mail.text);
    expect(text).toContain("เรียน คุณAnna");
    expect(text).toContain("- เกินวงเงินเครดิต (ใหม่, ระดับ 1): Acme Trading (C001) · 1,500.50\n");
    expect(text).toContain("-- โทรก่อน (เรียงตามยอดที่เสี่ยง) --");
    expect(text).toContain("-- อยู่ระหว่างโต้แย้งหนี้: แยกไว้ ไม่ทวงถาม --");
    expect(text).toContain("เหตุผล: โต้แย้งเรื่องคุณภาพ");
    expect(text).toContain("หน้าลูกค้า: https://ar.example.com/reports/customer?id=C001");
    expect(String(mail.html)).toContain("<h2>รายการงาน</h2>");
  });
});
