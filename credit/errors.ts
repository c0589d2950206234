/** A request the credit check cannot answer: HTTP status for the API, exit 2 for the CLI. */
export class CreditRequestError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "CreditRequestError";
  }
}
