/**
 * Error text for people: addresses cut down to the server's name (a full URL with its path and query
 * says nothing to a shop manager and can run to a line of its own), and the next thing to do.
 */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;

export function withoutUrls(text: string): string {
  return text.replace(URL_PATTERN, (match) => {
    // A sentence's own punctuation after an address is not part of it ("…/ledgers: 502").
    const [, url = match, tail = ''] = /^(.*?)([.,:;!?]*)$/.exec(match) ?? [];
    try {
      return (new URL(url).host || 'the server') + tail;
    } catch {
      return 'the server' + tail;
    }
  });
}

/**
 * What to do next, by the contract's error code; none where the core's message already says it (a
 * missing keychain names what to install and unlock).
 */
const NEXT: Record<string, string> = {
  NETWORK: 'Check that posrecon is still running (the app, or `posrecon serve`), then try again.',
  SESSION_EXPIRED: 'Open the address that `posrecon serve` printed again.',
  BAD_INPUT: 'Correct what is marked, then try again.',
  NOT_FOUND: 'It may have been removed since the page was loaded: reload the page.',
  SYNC_RUNNING: 'Wait for the running sync to finish, then try again.',
  SYNC_FAILED:
    'Press Test connection to see whether the provider can be reached. The next sync continues where this one stopped; nothing synced so far is lost.',
  INTERNAL: 'Try again. If it fails again, the log file named above has what a developer needs.',
  STALE: 'It was reloaded with what changed: decide again.',
  PERIOD_CLOSED: 'Reopen the period on the Exports page to change it.',
  PAYLOAD_TOO_LARGE: 'Send less at once.',
};

export function nextStep(code: string): string | null {
  return NEXT[code] ?? null;
}
