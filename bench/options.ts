import { InvalidArgumentError } from "commander";

/** A commander parser for a count option (1,000,000 and 1_000_000 read as 1000000): a whole number ≥ 1. */
export function count(name: string): (value: string) => number {
  return (value: string): number => {
    const n = Number(value.replace(/[_,]/g, ""));
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1`);
    return n;
  };
}
