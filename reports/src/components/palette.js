// Okabe–Ito: distinguishable with every common colour-vision deficiency, and in print.
export const PALETTE = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

/** Buckets run from not due (blue) through warmer colours to the oldest (vermilion, then black). */
export function bucketColors(labels) {
  const ramp = ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#000000"];
  return { domain: labels, range: labels.map((_, i) => ramp[Math.min(i, ramp.length - 1)]) };
}
