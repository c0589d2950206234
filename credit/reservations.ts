// Pending approvals: the amount of every approved (or overridden) check, held against the
// customer's exposure until its order reaches the warehouse or creditCheck.pendingHours pass.
// Each customer keeps a running total, so a check costs the same with one pending approval or
// twenty thousand: expired ones are dropped from the front of the customer's queue, which is in
// the order they were made and so in the order they expire (every one lasts pendingHours).

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

interface CustomerReservations {
  byKey: Map<string, Reservation>;
  total: bigint;
  /** In the order added; entries no longer current (replaced, released) are skipped when reached. */
  queue: Reservation[];
  head: number;
}

export class Reservations {
  private readonly byCustomer = new Map<string, CustomerReservations>();

  private mine(customerId: string): CustomerReservations {
    let mine = this.byCustomer.get(customerId);
    if (!mine) this.byCustomer.set(customerId, (mine = { byKey: new Map(), total: 0n, queue: [], head: 0 }));
    return mine;
  }

  private drop(mine: CustomerReservations, r: Reservation): void {
    mine.byKey.delete(keyOf(r));
    mine.total -= r.cents;
  }

  private put(mine: CustomerReservations, r: Reservation): Reservation | undefined {
    const replaced = mine.byKey.get(keyOf(r));
    if (replaced) this.drop(mine, replaced);
    mine.byKey.set(keyOf(r), r);
    mine.total += r.cents;
    mine.queue.push(r);
    return replaced;
  }

  /** Drops what has expired by `now` from the front of the queue. */
  private expire(mine: CustomerReservations, now: number): void {
    while (mine.head < mine.queue.length) {
      const first = mine.queue[mine.head]!;
      const current = mine.byKey.get(keyOf(first)) === first;
      if (current && first.until > now) break;
      if (current) this.drop(mine, first);
      mine.head++;
    }
    // Compact now and then, so the queue does not grow for ever in a long-running server.
    if (mine.head > 1024 && mine.head * 2 > mine.queue.length) {
      mine.queue = mine.queue.slice(mine.head);
      mine.head = 0;
    }
  }

  /** Adds a reservation; returns the one of the same order it replaced, if any. */
  add(r: Reservation): Reservation | undefined {
    return this.put(this.mine(r.customerId), r);
  }

  /**
   * Takes back a reservation, if it is still the one added, and puts back the one it replaced
   * (a failed log write undoes its check as if it had never been made).
   */
  remove(r: Reservation, replaced?: Reservation): void {
    const mine = this.byCustomer.get(r.customerId);
    if (!mine || mine.byKey.get(keyOf(r)) !== r) return;
    this.drop(mine, r);
    if (replaced) this.put(mine, replaced);
  }

  /** The customer's unexpired reservations, less the order being re-checked. */
  pendingFor(customerId: string, now: number, exceptOrderId: string | null = null): bigint {
    const mine = this.byCustomer.get(customerId);
    if (!mine) return 0n;
    this.expire(mine, now);
    const except = exceptOrderId === null ? undefined : mine.byKey.get(`order:${exceptOrderId}`);
    return mine.total - (except && except.until > now ? except.cents : 0n);
  }

  /** Ends the reservations of orders a build made at `builtAt` (epoch ms) knows; returns how many ended. */
  releaseKnown(isKnown: (orderId: string) => boolean, builtAt: number): number {
    let released = 0;
    for (const mine of this.byCustomer.values()) {
      for (const r of [...mine.byKey.values()]) {
        if (r.orderId !== null && isKnown(r.orderId) && (!r.orderWasKnown || builtAt > r.madeAt)) {
          this.drop(mine, r);
          released++;
        }
      }
    }
    return released;
  }

  /** Every unexpired reservation of a customer, for its standing. */
  list(customerId: string, now: number): Reservation[] {
    return [...(this.byCustomer.get(customerId)?.byKey.values() ?? [])].filter((r) => r.until > now);
  }
}
