// Kysely over the warehouse's own connection, for the operational tables (the breach ledger, the
// outbox, the run history) that TypeScript reads and writes row by row. DuckDB speaks PostgreSQL's
// SQL dialect closely enough for Kysely's Postgres compiler ($1 parameters, "quoted" names), so
// only the driver is ours: it runs every query on the one connection the stage already holds, so a
// Kysely query and a plain wh.run() see the same transaction. (kysely-duckdb opens a connection
// per query and does not type-check under NodeNext: ../shared/STACK.md.)
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from "kysely";
import type { DuckDBValue } from "@duckdb/node-api";
import type { Warehouse } from "./warehouse.ts";

class WarehouseConnection implements DatabaseConnection {
  constructor(private readonly wh: Warehouse) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.wh.all<Record<string, unknown>>(query.sql, query.parameters as DuckDBValue[]);
    const kind = query.query.kind;
    const writes = kind === "InsertQueryNode" || kind === "UpdateQueryNode" || kind === "DeleteQueryNode";
    // Without RETURNING, DuckDB answers a write with one row: {Count: n}.
    if (writes && !("returning" in query.query && query.query.returning)) {
      const count = rows[0]?.Count;
      return { rows: [], numAffectedRows: count === undefined ? undefined : BigInt(String(count)) };
    }
    return { rows: rows as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not supported over the warehouse connection: read with SQL instead");
  }
}

class WarehouseDriver implements Driver {
  private readonly connection: WarehouseConnection;
  constructor(private readonly wh: Warehouse) {
    this.connection = new WarehouseConnection(wh);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    await this.wh.run("begin transaction");
  }
  async commitTransaction(): Promise<void> {
    await this.wh.run("commit");
  }
  async rollbackTransaction(): Promise<void> {
    await this.wh.run("rollback");
  }
  async releaseConnection(): Promise<void> {}
  // The warehouse belongs to the command that opened it; closing it is the command's job.
  async destroy(): Promise<void> {}
}

/** A typed query builder over an open warehouse; destroying it leaves the warehouse open. */
export function kyselyOver<DB>(wh: Warehouse): Kysely<DB> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new WarehouseDriver(wh),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<DB>({ dialect });
}
