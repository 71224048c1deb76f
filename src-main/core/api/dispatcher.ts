import { z } from 'zod';
import { AppError, fieldIssues } from '../model/app-error.ts';
import {
  type ApiErrorBody,
  type ApiResult,
  type OperationName,
  type OperationOutput,
  type OperationParsedInput,
  isOperationName,
  operations,
} from './contract.ts';
import { StoreError } from '../store/store-error.ts';

export type Handler<N extends OperationName> = (
  input: OperationParsedInput<N>,
) => OperationOutput<N> | Promise<OperationOutput<N>>;

export type HandlerMap = { [N in OperationName]: Handler<N> };

export type Dispatch = (operation: string, input: unknown) => Promise<ApiResult<unknown>>;

export interface DispatcherOptions {
  /** Where unexpected failures are reported (with their stack); the caller only sees a safe message. */
  onInternalError?: (operation: string, err: unknown) => void;
  /** The log file those reports go to, named in the message so the user can find it. */
  logFile?: string;
  /** Turns a failure that means the cache itself is unusable (damage) into its plain StoreError. */
  storeFailure?: (err: unknown) => StoreError | null;
}

function toErrorBody(operation: string, err: unknown, options: DispatcherOptions): ApiErrorBody {
  if (err instanceof AppError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  const storeError = err instanceof StoreError ? err : options.storeFailure?.(err);
  if (storeError) {
    return { code: storeError.code, message: storeError.message, details: { file: storeError.file } };
  }
  options.onInternalError?.(operation, err);
  const where = options.logFile ? `in the log: ${options.logFile}` : 'in the log';
  return { code: 'INTERNAL', message: `Something went wrong in ${operation}. Details are ${where}` };
}

/**
 * The single registration wrapper: input is parsed before a handler runs (so no handler sees
 * unvalidated data) and output is checked before it leaves, on every transport.
 */
export function createDispatcher(handlers: HandlerMap, options: DispatcherOptions = {}): Dispatch {
  return async (operation, rawInput) => {
    if (!isOperationName(operation)) {
      return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `No such operation: ${operation}` } };
    }
    // Widened on purpose: each operation's own types are enforced by HandlerMap, not here.
    const def = operations[operation] as { input: z.ZodType; output: z.ZodType };
    const parsed = def.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: z.prettifyError(parsed.error),
          // Flattened for the forms that key errors by field; `fields` keeps each issue's whole path.
          details: { ...z.flattenError(parsed.error), fields: fieldIssues(parsed.error) },
        },
      };
    }
    try {
      const handler = handlers[operation] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      const checked = def.output.safeParse(value);
      if (!checked.success) {
        options.onInternalError?.(operation, new Error(`Invalid output: ${z.prettifyError(checked.error)}`));
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `posrecon produced an invalid answer for ${operation}.` },
        };
      }
      return { ok: true, value: checked.data };
    } catch (err) {
      return { ok: false, error: toErrorBody(operation, err, options) };
    }
  };
}
