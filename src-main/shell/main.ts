// The Electron shell: app lifecycle, the one window, IPC binding of the contract, dialogs.
// Everything else is core. This is one of only two places that import 'electron'.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, screen, session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../core/csp.js';
import { resolveHomeDir } from '../core/system/home.js';
import { restoreQueuedJobs } from '../core/registry/job-kinds.js';
import { Studio } from '../core/studio.js';
import { bindContract, forwardEvents, makeSenderCheck } from './ipc.js';
import { nativeBindingForElectron } from './native.js';
import { guardSession, guardWebContents } from './guards.js';
import { externalLinkDecision, makeOurUrlCheck } from './url-policy.js';
import { fitToDisplays, loadWindowState, saveWindowState, type WindowState } from './window-state.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '../renderer/index.html');
const devUrl = process.env.ELECTRON_RENDERER_URL;
const isOurUrl = makeOurUrlCheck({ devUrl, rendererDir: path.dirname(rendererIndex) });

const homeFlag = process.argv.find((a) => a.startsWith('--home='))?.slice('--home='.length);
const homeDir = resolveHomeDir(homeFlag);
app.setPath('userData', homeDir);

// better-sqlite3 built for Electron's ABI lives beside the Node build (scripts/rebuild-electron.js).
const binding = nativeBindingForElectron();
if (binding) process.env.LATENT_STUDIO_SQLITE_BINDING = binding;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  const studio = new Studio({
    homeDir,
    host: 'electron',
    hostServices: {
      async pickPaths(kind, title) {
        const options = {
          title: title ?? (kind === 'folder' ? 'Choose a folder' : 'Choose images'),
          properties: kind === 'folder' ? (['openDirectory'] as const) : (['openFile', 'multiSelections'] as const),
        };
        const r = mainWindow
          ? await dialog.showOpenDialog(mainWindow, { ...options, properties: [...options.properties] })
          : await dialog.showOpenDialog({ ...options, properties: [...options.properties] });
        return { paths: r.canceled ? [] : r.filePaths };
      },
    },
  });

  // Jobs a previous run left queued start now; interrupted ones wait in the job list for resumeJob.
  void restoreQueuedJobs(studio.context);

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  guardSession(session.defaultSession);

  const ours = (wc: WebContents) => mainWindow !== null && wc.id === mainWindow.webContents.id;
  bindContract(ipcMain, studio, makeSenderCheck(ours, isOurUrl));
  forwardEvents(studio, () => (mainWindow ? [mainWindow.webContents] : []));

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    void studio.close().finally(() => app.quit());
  });
  app.on('web-contents-created', (_e, contents) => guardWebContents(contents, isOurUrl, (url) => void openOutside(url)));

  createWindow();
}

/** Hands a link to the system browser: allowlisted origins at once, other https links after a yes. */
async function openOutside(url: string): Promise<void> {
  const decision = externalLinkDecision(url);
  if (decision === 'deny') return;
  if (decision === 'ask') {
    const options = {
      type: 'question' as const,
      buttons: ['Open in browser', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'Open this link in your web browser?',
      detail: url,
    };
    const answer = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
    if (answer.response !== 0) return;
  }
  await shell.openExternal(url);
}

function createWindow(): void {
  const saved = fitToDisplays(
    loadWindowState(homeDir),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  mainWindow = new BrowserWindow({
    ...saved,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Latent Studio',
    backgroundColor: '#1b1d22',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (saved.maximized) mainWindow.maximize();
  mainWindow.once('ready-to-show', () => mainWindow?.show());

  const remember = () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    const b = mainWindow.getNormalBounds();
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: mainWindow.isMaximized() };
    void saveWindowState(homeDir, state);
  };
  mainWindow.on('close', remember);
  mainWindow.on('closed', () => (mainWindow = null));

  if (devUrl) void mainWindow.loadURL(devUrl);
  else void mainWindow.loadFile(rendererIndex);
}
