import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ErrorNotice from '../../src-renderer/src/components/ErrorNotice.svelte';
import { withoutUrls } from '../../src-renderer/src/lib/error-words.ts';

describe('ErrorNotice', () => {
  it('says what failed and what to do next, with no address in it, the details folded away', () => {
    render(ErrorNotice, {
      title: 'That did not work',
      error: {
        code: 'SYNC_FAILED',
        message:
          'Could not reach Vipps MobilePay: request to http://127.0.0.1:42321/vipps/report/v2/ledgers?cursor=abc failed, reason: connect ECONNREFUSED 127.0.0.1:42321',
        details: { url: 'https://api.vipps.no/settlement/v1/ledgers?x=1', attempts: 5 },
      },
    });
    const notice = screen.getByTestId('error-notice');
    expect(notice.textContent).not.toMatch(/https?:\/\//);
    expect(screen.getByTestId('error-message').textContent).toBe(
      'Could not reach Vipps MobilePay: request to 127.0.0.1:42321 failed, reason: connect ECONNREFUSED 127.0.0.1:42321',
    );
    expect(screen.getByTestId('error-next').textContent).toMatch(/^Press Test connection/);
    const details = screen.getByTestId<HTMLDetailsElement>('error-details');
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('Code: SYNC_FAILED');
    expect(details.textContent).toContain('api.vipps.no');
  });

  it('has no next step where the code has none, and keeps the message otherwise as it is', () => {
    render(ErrorNotice, {
      title: 'Could not undo',
      error: { code: 'NOTHING_TO_UNDO', message: 'Nothing to undo.' },
    });
    expect(screen.getByTestId('error-message').textContent).toBe('Nothing to undo.');
    expect(screen.queryByTestId('error-next')).toBeNull();
  });
});

describe('withoutUrls', () => {
  it('cuts every address down to its server, and leaves other text alone', () => {
    expect(withoutUrls('GET https://api.vipps.no/a/b?c=d and ftp://x.example/y: 502')).toBe(
      'GET api.vipps.no and x.example: 502',
    );
    expect(withoutUrls('no address here (1:36 PM)')).toBe('no address here (1:36 PM)');
  });
});
