// Pending approvals: the amount of every approved (or overridden) check, held against the
// customer's exposure until its order reaches the warehouse or creditCheck.pendingHours pass.

export interface Reservation {
  checkId: string;
  customerId: string;
  orderId: string | null;
  cents: bigint;
  /** Epoch milliseconds. */
  until: number;
  /** When the check was made (epoch ms). */
  madeAt: number;
  /**
   * The order was already in the build the check rested on (a re-check of an open order reserves
   * only its increase): such a reservation ends with the next build, not with the one it knew.
   */
  orderWasKnown: boolean;
}

/** A reservation is keyed by its order (a re-check of the order replaces it), else by its check. */
const keyOf = (r: Pick<Reservation, "orderId" | "checkId">) => (r.orderId !== null ? `order:${r.orderId}` : `check:${r.checkId}`);

export class Reservations {
  private readonly byCustomer = new Map<string, Map<string, Reservation>>();

  /** Adds a reservation; returns the one of the same order it replaced, if any. */
  add(r: Reservation): Reservation | undefined {
    let mine = this.byCustomer.get(r.customerId);
    if (!mine) this.byCustomer.set(r.customerId, (mine = new Map()));
    const replaced = mine.get(keyOf(r));
    mine.set(keyOf(r), r);
    return replaced;
  }

  /**
   * Takes back a reservation, if it is still the one added, and puts back the one it replaced
   * (a failed log write undoes its check as if it had never been made).
   */
  remove(r: Reservation, replaced?: Reservation): void {
    const mine = this.byCustomer.get(r.customerId);
    if (mine?.get(keyOf(r)) !== r) return;
    if (replaced) mine.set(keyOf(r), replaced);
    else mine.delete(keyOf(r));
  }

  /** The customer's unexpired reservations, less the order being re-checked. */
  pendingFor(customerId: string, now: number, exceptOrderId: string | null = null): bigint {
    const mine = this.byCustomer.get(customerId);
    if (!mine) return 0n;
    let sum = 0n;
    for (const [key, r] of mine) {
      if (r.until <= now) mine.delete(key);
      else if (exceptOrderId === null || r.orderId !== exceptOrderId) sum += r.cents;
    }
    return sum;
  }

  /** Ends the reservations of orders a build made at `builtAt` (epoch ms) knows; returns how many ended. */
  releaseKnown(isKnown: (orderId: string) => boolean, builtAt: number): number {
    let released = 0;
    for (const mine of this.byCustomer.values()) {
      for (const [key, r] of mine) {
        if (r.orderId !== null && isKnown(r.orderId) && (!r.orderWasKnown || builtAt > r.madeAt)) {
          mine.delete(key);
          released++;
        }
      }
    }
    return released;
  }

  /** Every unexpired reservation, for the standing of a customer or the holds list. */
  list(customerId: string, now: number): Reservation[] {
    return [...(this.byCustomer.get(customerId)?.values() ?? [])].filter((r) => r.until > now);
  }
}
