// The reader's language: site.locale from the config the site was built with, unless the reader
// picked another with the switch (kept in this browser's localStorage).
import { LABELS } from "./labels.js";

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
