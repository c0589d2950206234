/** Where `npm start` keeps the bundled sample extracts. */
export const SAMPLE_DIR = "data/sample";

/** The bundled sample's scale: `npm start` generates it, and these are `arwatch generate`'s defaults. */
export const SAMPLE = { customers: 300, invoices: 6000, seed: 1, months: 24 } as const;
