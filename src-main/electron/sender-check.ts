import { APP_ORIGIN } from './app-protocol.ts';

/** The part of Electron's `WebFrameMain` the check needs, so it can be tested without Electron. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * True only for the app's own top-level page. A call from anything else (a frame that navigated away,
 * an iframe, a destroyed frame whose `senderFrame` is null) is refused before it reaches the core.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  const url = frame.url;
  if (typeof url !== 'string' || !url.startsWith(`${APP_ORIGIN}/`)) return false;
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'app:' &&
      parsed.host === 'posrecon' &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}
