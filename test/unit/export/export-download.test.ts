import { describe, expect, it } from 'vitest';
import { contentDisposition, exportDownloadId } from '../../../src-main/core/export/export-download.ts';

describe('export download routes', () => {
  it('take a log id and nothing that looks like a path', () => {
    expect(exportDownloadId('/api/exports/12/download')).toBe(12);
    expect(exportDownloadId('/exports/3/download')).toBe(3);
    for (const p of [
      '/api/exports/0/download',
      '/api/exports/-1/download',
      '/api/exports/../x/download',
      '/api/exports/1/../../download',
      '/api/exports/1/download/x',
      '/api/exports/1e3/download',
      '/api/exports/12345678901234567/download',
    ])
      expect(exportDownloadId(p)).toBeNull();
  });

  it('name the file as an attachment, quotes and non-ASCII made safe', () => {
    expect(contentDisposition('posrecon-2026-01.xlsx')).toBe(
      `attachment; filename="posrecon-2026-01.xlsx"; filename*=UTF-8''posrecon-2026-01.xlsx`,
    );
    expect(contentDisposition('a"b\\æ.csv')).toBe(
      `attachment; filename="a_b__.csv"; filename*=UTF-8''a%22b%5C%C3%A6.csv`,
    );
  });
});
