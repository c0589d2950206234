// The operational tables (the run history, the breach ledger, the outbox) store instants as
// TIMESTAMP in UTC (no zone attached), and DuckDB hands them back as text ("2026-12-01 06:00:00.123"). These two functions are the whole boundary, so no
// instant shifts with the machine's time zone.

/** An instant as the text a TIMESTAMP column takes: ISO 8601 in UTC without the zone letter. */
export function toStoredTimestamp(instant: Date): string {
  return instant.toISOString().slice(0, -1);
}

/** A stored TIMESTAMP (UTC) back as an ISO 8601 instant ending in Z. */
export function fromStoredTimestamp(text: string): string {
  return new Date(`${text.replace(" ", "T")}Z`).toISOString();
}
