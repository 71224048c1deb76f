/**
 * The renderer's Content Security Policy, the same in Electron and in browser mode. No 'unsafe-eval'
 * and no inline scripts; styles may be inline because Svelte sets style attributes on elements.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
