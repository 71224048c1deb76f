import type { OperationInput, OperationName, OperationOutput } from '../../src-main/core/api/contract.ts';
import type { Core } from '../../src-main/core/core.ts';
import { AppError } from '../../src-main/core/model/app-error.ts';

/** One contract operation through the core's dispatch, its error thrown as the AppError it carries. */
export async function callCore<N extends OperationName>(
  core: Core,
  name: N,
  input: OperationInput<N>,
): Promise<OperationOutput<N>> {
  const r = await core.dispatch(name, input);
  if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
  return r.value as OperationOutput<N>;
}
