// "Choose a folder" for any view: the native dialog in Electron, the listDir browser (rendered
// once by App) in the browser studio. The browser opens where the last choice was made (kept
// across reloads), else where the view says, else the studio's default (Pictures, or home).
import { errorMessage } from './format';
import { isElectron, studio } from './studio';

const LAST_FOLDER = 'latent-studio.last-folder';

function lastFolder(): string | undefined {
  try {
    return localStorage.getItem(LAST_FOLDER) ?? undefined;
  } catch {
    return undefined;
  }
}

class FolderPicker {
  open = $state(false);
  title = $state('Choose a folder');
  start = $state<string | undefined>(undefined);
  error = $state<string | null>(null);
  private resolve: ((p: string | null) => void) | null = null;

  async choose(title: string, start?: string): Promise<string | null> {
    this.error = null;
    if (isElectron) {
      try {
        const r = await studio.pickPaths({ kind: 'folder', title });
        return r.paths[0] ?? null;
      } catch (e) {
        this.error = errorMessage(e);
        return null;
      }
    }
    this.resolve?.(null);
    this.title = title;
    this.start = start ?? lastFolder();
    this.open = true;
    return new Promise((resolve) => (this.resolve = resolve));
  }

  picked(path: string): void {
    this.open = false;
    try {
      localStorage.setItem(LAST_FOLDER, path);
    } catch {
      // Private browsing: the next browse starts at the default again.
    }
    this.resolve?.(path);
    this.resolve = null;
  }

  closed(): void {
    this.open = false;
    this.resolve?.(null);
    this.resolve = null;
  }
}

export const folderPicker = new FolderPicker();
