/** An error meant for the person using the app: its message is shown as is, its code is stable. */
export class AppError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/**
 * A validation failure's issues, each with its whole path joined by dots (`fxRates.2.rate`), so a form
 * can show the message beside the field or table row it is about (zod's flattened errors keep only the
 * top-level field).
 */
export const fieldIssues = (error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}) => error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
