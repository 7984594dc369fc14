// "Choose a folder" for any view: the native dialog in Electron, the listDir browser (rendered
// once by App) in the browser studio.
import { errorMessage } from './format';
import { isElectron, studio } from './studio';

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
    this.start = start;
    this.open = true;
    return new Promise((resolve) => (this.resolve = resolve));
  }

  picked(path: string): void {
    this.open = false;
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
