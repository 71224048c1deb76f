/**
 * A real, private Secret Service for tests: a dbus-daemon session bus plus gnome-keyring-daemon,
 * both children of the test process, with a fresh HOME / XDG dirs in a temp dir so the user's own
 * keyring is never touched.
 *
 * The bus uses its own config with no service directories, so nothing is D-Bus-activated behind the
 * test's back (no system gnome-keyring, no gcr-prompter): an unlock prompt is dismissed at once
 * instead of waiting for a human, which is what makes the locked case reproducible headlessly.
 *
 * @napi-rs/keyring fixes its bus address the first time it talks to D-Bus and keeps it for the life
 * of the process, so code under test should run in a child process started with `session.env`;
 * `process.env.DBUS_SESSION_BUS_ADDRESS` is also set while the session runs, for tools that read it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Each tool the sessions need, with the Debian package that ships it. */
export const SECRET_SERVICE_TOOLS = [
  { tool: 'dbus-daemon', debianPackage: 'dbus-daemon' },
  { tool: 'dbus-send', debianPackage: 'dbus-bin' },
  { tool: 'gnome-keyring-daemon', debianPackage: 'gnome-keyring' },
  { tool: 'secret-tool', debianPackage: 'libsecret-tools' },
] as const;

/** The unlock password of every test keyring; gnome-keyring reads it from stdin up to EOF. */
const KEYRING_PASSWORD = 'posrecon-test-keyring\n';
const STARTUP_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 15_000;

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A sentence naming each missing tool and its Debian package, or undefined when all are there. */
export function missingSecretServiceTools(): string | undefined {
  const missing = SECRET_SERVICE_TOOLS.filter(({ tool }) => !onPath(tool));
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((m) => m.debianPackage))].join(' ');
  const tools = missing.map((m) => `${m.tool} (Debian package ${m.debianPackage})`).join(', ');
  return `Secret Service tests need ${tools}; install with: apt-get install ${packages}`;
}

/**
 * Why to skip, outside CI only. Under CI this is always undefined so the tests run and
 * `startSecretService` fails them with the package names: CI must never skip for want of a tool.
 */
export function secretServiceSkipNote(): string | undefined {
  return isCI() ? undefined : missingSecretServiceTools();
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; input goes through stdin (never argv, it may be a secret). */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not finish within ${COMMAND_TIMEOUT_MS} ms: ${stderr}`),
      );
    }, COMMAND_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    // A command that exits without reading its input answers through its exit status, not an EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

export interface SecretServiceSession {
  /** The temp dir holding HOME, the XDG dirs, the keyring files and the bus socket. */
  readonly dir: string;
  readonly busAddress: string;
  /** A complete environment for child processes that should use this keyring and nothing else. */
  readonly env: NodeJS.ProcessEnv;
  /** `secret-tool` against this keyring; `input` is what `secret-tool store` reads as the secret. */
  secretTool(args: readonly string[], input?: string): Promise<CommandResult>;
  /** Locks the default (login) collection, as a screen lock or "Lock keyring" would. */
  lock(): Promise<void>;
  stop(): Promise<void>;
}

export interface SecretServiceOptions {
  /**
   * `unlocked` (default): a keyring ready to use. `locked`: the same, locked right after start.
   * `none`: a session bus where nothing provides org.freedesktop.secrets.
   */
  keyring?: 'unlocked' | 'locked' | 'none';
}

/** Env for "no D-Bus session at all": the bus address points at a socket that does not exist. */
export function unreachableBusEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...isolatedEnv(dir),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}`,
  };
}

function isolatedEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: join(dir, 'home'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    // Also where libdbus looks for a default bus ($XDG_RUNTIME_DIR/bus), so it must be ours.
    XDG_RUNTIME_DIR: join(dir, 'runtime'),
  };
}

/** Creates the temp dir with an isolated HOME / XDG layout; the caller removes it. */
export async function makeIsolatedDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'posrecon-keyring-'));
  for (const sub of ['home', 'data', 'config', 'cache', 'runtime']) {
    await mkdir(join(dir, sub), { mode: 0o700 });
  }
  return dir;
}

function busConfig(socketPath: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

const children = new Set<ChildProcess>();
// A crashed or interrupted test file must not leave daemons behind; only our own children are killed.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function spawnDaemon(command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.on('error', () => children.delete(child));
  // A daemon that dies before reading its stdin is noticed by the readiness checks, not by an EPIPE.
  child.stdin?.on('error', () => {});
  return child;
}

function outputOf(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return () => text;
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function readBusAddress(bus: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`dbus-daemon printed no address: ${out}`)),
      STARTUP_TIMEOUT_MS,
    );
    bus.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('unix:'));
      if (line !== undefined && out.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    bus.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    bus.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-daemon exited (${code}) before printing its address: ${out}`));
    });
  });
}

async function waitForSecretsName(env: NodeJS.ProcessEnv, daemonOutput: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const args = [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.freedesktop.secrets',
  ];
  while (Date.now() < deadline) {
    const result = await runCommand('dbus-send', args, env);
    if (result.stdout.includes('boolean true')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gnome-keyring-daemon did not register org.freedesktop.secrets: ${daemonOutput()}`);
}

/** Starts a private session bus (and, unless `keyring: 'none'`, gnome-keyring on it). */
export async function startSecretService(options: SecretServiceOptions = {}): Promise<SecretServiceSession> {
  const missing = missingSecretServiceTools();
  if (missing !== undefined) throw new Error(missing);
  const keyring = options.keyring ?? 'unlocked';

  const dir = await makeIsolatedDir();
  const configPath = join(dir, 'bus.conf');
  await writeFile(configPath, busConfig(join(dir, 'bus')));
  const daemons: ChildProcess[] = [];
  const previousAddress = process.env.DBUS_SESSION_BUS_ADDRESS;
  const stop = async (): Promise<void> => {
    for (const daemon of daemons.reverse()) await stopDaemon(daemon);
    if (previousAddress === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = previousAddress;
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const bus = spawnDaemon('dbus-daemon', [`--config-file=${configPath}`, '--nofork', '--print-address=1'], {
      ...isolatedEnv(dir),
    });
    daemons.push(bus);
    bus.stdin?.end();
    const busAddress = await readBusAddress(bus);
    const env: NodeJS.ProcessEnv = { ...isolatedEnv(dir), DBUS_SESSION_BUS_ADDRESS: busAddress };

    if (keyring !== 'none') {
      // --unlock creates the login keyring with this password on first start and unlocks it.
      const daemon = spawnDaemon(
        'gnome-keyring-daemon',
        ['--foreground', '--unlock', '--components=secrets'],
        env,
      );
      daemons.push(daemon);
      const daemonOutput = outputOf(daemon);
      daemon.stdin?.end(KEYRING_PASSWORD);
      await waitForSecretsName(env, daemonOutput);
    }

    const session: SecretServiceSession = {
      dir,
      busAddress,
      env,
      secretTool: (args, input) => runCommand('secret-tool', args, env, input),
      lock: async () => {
        // `secret-tool lock --collection=…` hangs in libsecret 0.20.5, so call the D-Bus method directly.
        const result = await runCommand(
          'dbus-send',
          [
            '--session',
            '--print-reply',
            '--dest=org.freedesktop.secrets',
            '/org/freedesktop/secrets',
            'org.freedesktop.Secret.Service.Lock',
            'array:objpath:/org/freedesktop/secrets/collection/login',
          ],
          env,
        );
        if (!result.stdout.includes('/org/freedesktop/secrets/collection/login')) {
          throw new Error(`Could not lock the test keyring: ${result.stdout}${result.stderr}`);
        }
      },
      stop,
    };
    if (keyring === 'locked') await session.lock();
    process.env.DBUS_SESSION_BUS_ADDRESS = busAddress;
    return session;
  } catch (error) {
    await stop();
    throw error;
  }
}
