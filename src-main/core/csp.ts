// The renderer's Content-Security-Policy, shared by the Electron shell and the server (as a
// header) and the built page (as a meta tag). No inline scripts: anything the page needs from
// its host arrives through the contract or a meta tag.
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** As an HTTP header: everything, including what only headers can carry. */
export const CONTENT_SECURITY_POLICY = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** As a <meta> tag: browsers ignore frame-ancestors there (and warn), so it is left out. */
export const CONTENT_SECURITY_POLICY_META = DIRECTIVES.join('; ');
