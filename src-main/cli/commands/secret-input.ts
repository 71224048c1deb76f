import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export type CliInput = NodeJS.ReadableStream & { isTTY?: boolean };

/** Reads everything on stdin (secrets come through here or a hidden prompt, never argv). */
export async function readAll(input: CliInput): Promise<string> {
  let text = '';
  for await (const chunk of input) text += String(chunk);
  return text;
}

/**
 * `--secret-stdin`: `key=value` lines naming secret fields, or, for a provider with a single secret,
 * the bare value. Errors name fields only, never what was read.
 */
export function parseSecretText(
  text: string,
  fields: readonly { key: string }[],
): { ok: true; secret: Record<string, string> } | { ok: false; message: string } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const keys = new Set(fields.map((f) => f.key));
  const keyOf = (line: string) => line.slice(0, Math.max(line.indexOf('='), 0)).trim();
  if (lines.length > 0 && lines.every((l) => keys.has(keyOf(l)))) {
    const secret: Record<string, string> = {};
    for (const line of lines) secret[keyOf(line)] = line.slice(line.indexOf('=') + 1).trim();
    return { ok: true, secret };
  }
  const only = fields.length === 1 ? fields[0] : undefined;
  if (only && lines.length === 1 && lines[0] !== undefined) {
    return { ok: true, secret: { [only.key]: lines[0].trim() } };
  }
  const names = fields.map((f) => f.key).join(', ');
  return {
    ok: false,
    message:
      lines.length === 0
        ? 'Standard input was empty: pipe the secret in (see --help).'
        : `Standard input must hold one line per secret field, as key=value (fields: ${names}).`,
  };
}

/**
 * Asks on the terminal with echo off: readline drives the TTY in raw mode and its echo goes to a
 * sink, so the characters typed are never shown. Only the question is written, to `prompts`.
 */
export function promptHidden(
  question: string,
  input: CliInput,
  prompts: NodeJS.WritableStream,
): Promise<string> {
  prompts.write(question);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input, output: sink, terminal: true });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      prompts.write('\n');
      if (!answered) reject(new Error('Cancelled: nothing was saved.'));
    });
    rl.question('', (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

/** A yes/no question on the terminal (echo on); anything but y/yes is no. */
export function confirm(question: string, input: CliInput, prompts: NodeJS.WritableStream): Promise<boolean> {
  const rl = createInterface({ input, output: prompts, terminal: true });
  return new Promise<boolean>((resolve) => {
    rl.on('close', () => resolve(false));
    rl.question(question, (answer) => {
      resolve(/^y(es)?$/i.test(answer.trim()));
      rl.close();
    });
  });
}
