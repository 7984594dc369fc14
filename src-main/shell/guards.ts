// Hardening of the window's web contents and the session, given the URL and permission policy.
// Only types come from 'electron' (erased at build), so test/shell drives these with stand-ins.
import type { Session, WebContents } from 'electron';
import { permissionAllowed } from './permissions.js';
import { navigationAllowed, type UrlCheck } from './url-policy.js';

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;
type GuardedSession = Pick<Session, 'setPermissionCheckHandler' | 'setPermissionRequestHandler' | 'setDevicePermissionHandler'>;

/** Every web contents: no new windows, no navigation, redirect or frame navigation off our renderer, no webviews. */
export function guardWebContents(contents: GuardedContents, isOurUrl: UrlCheck, openOutside: (url: string) => void): void {
  // Links to outside pages go to the system browser (allowlisted or confirmed), never a new window.
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  const stay = (event: { url: string; preventDefault(): void }) => {
    if (!navigationAllowed(event.url, isOurUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-frame-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The session: the studio needs no camera, microphone, notifications or devices; all are refused. */
export function guardSession(session: GuardedSession): void {
  session.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionAllowed(permission)));
  session.setDevicePermissionHandler(() => false);
}
