import { describe, expect, it } from "vitest";
import { agingUrl, customerPageUrl, portfolioUrl, siteBase } from "../../notify/render/links.ts";

describe("links to the report site", () => {
  it("takes site.baseUrl with one trailing slash, without query or fragment, and only http(s)", () => {
    expect(siteBase("https://ar.example.com")).toBe("https://ar.example.com/");
    expect(siteBase("https://ar.example.com/reports?x=1#top")).toBe("https://ar.example.com/reports/");
    expect(siteBase("javascript:alert(1)")).toBeNull();
    expect(siteBase("not a url")).toBeNull();
    expect(siteBase(null)).toBeNull();
  });

  it("encodes ids in the customer page's address", () => {
    expect(customerPageUrl("https://x.example/", "C 1&id=2#x")).toBe("https://x.example/customer?id=C%201%26id%3D2%23x");
  });

  it("writes every drill-down level above the customer, an empty value for none", () => {
    expect(agingUrl("https://x.example/", "C 1", { team: null, collector: "Anna B", group: "G&H" })).toBe(
      "https://x.example/aging?team=&collector=Anna+B&group=G%26H&customer=C+1",
    );
    expect(agingUrl("https://x.example/", "C1", undefined)).toBe("https://x.example/aging");
  });

  it("sends a portfolio alert to the expected-loss page or the overview", () => {
    expect(portfolioUrl("https://x.example/", "portfolio_expected_loss_up")).toBe("https://x.example/expected-loss");
    expect(portfolioUrl("https://x.example/", "portfolio_expected_bad_debt_up")).toBe("https://x.example/expected-loss");
    expect(portfolioUrl("https://x.example/", "portfolio_dso_above")).toBe("https://x.example/");
  });
});
