import type { ApiResult } from '../api/contract.ts';

/**
 * How a finished export leaves the app, shared by browser mode's HTTP route and the Electron
 * `app://` handler: only by its log id (never a path), only as a file the core resolved inside its
 * exports folder, and always as an attachment (a download, or the save dialog in the app).
 */
export const EXPORT_DOWNLOAD_PATH = /^\/(?:api\/)?exports\/([1-9][0-9]{0,15})\/download$/;

export function exportDownloadId(pathname: string): number | null {
  const m = EXPORT_DOWNLOAD_PATH.exec(pathname);
  return m ? Number(m[1]) : null;
}

export interface ExportFile {
  file: string;
  fileName: string;
  contentType: string;
  bytes: number;
}

/** RFC 6266: an ASCII fallback plus the exact name in UTF-8 (our names are ASCII, but say so safely). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export type ExportLookup = (operation: 'export:file', input: { id: number }) => Promise<ApiResult<unknown>>;

/** Asks the core where export `id` is; the answer is checked, not trusted blindly. */
export async function lookUpExport(
  call: ExportLookup,
  id: number,
): Promise<{ ok: true; value: ExportFile } | { ok: false; status: number; message: string }> {
  const r = await call('export:file', { id });
  if (!r.ok) return { ok: false, status: r.error.code === 'NOT_FOUND' ? 404 : 500, message: r.error.message };
  const v = r.value as Partial<ExportFile>;
  if (typeof v.file !== 'string' || typeof v.fileName !== 'string' || typeof v.contentType !== 'string')
    return { ok: false, status: 500, message: 'The core gave an unreadable answer.' };
  return { ok: true, value: v as ExportFile };
}
