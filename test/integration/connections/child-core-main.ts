/**
 * Child-process side of `dispatchInChild`: opens a real core (OS keychain included) on the home given
 * on stdin, dispatches each operation and prints the results as JSON. A child process because
 * @napi-rs/keyring keeps the first D-Bus address it sees for the life of the process.
 */
import { createCore } from '../../../src-main/core/core.ts';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const { home, ops } = JSON.parse(input) as { home: string; ops: { op: string; input: unknown }[] };
const core = await createCore({ home, actor: 'test' });
const results = [];
for (const { op, input: opInput } of ops) results.push(await core.dispatch(op, opInput));
core.close();
process.stdout.write(JSON.stringify(results));
