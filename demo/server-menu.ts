/**
 * The small menu that opens on a server: kill or revive it, slow it down or restore its speed.
 * Keyboard: the first item has focus; ↑/↓ move between items (wrapping), Home/End jump to the
 * first/last, Enter or Space choose, Escape closes.
 */

export type ServerAction = 'kill' | 'revive' | 'slow' | 'restore';

export class ServerMenu {
  readonly el: HTMLDivElement;
  private onAction: ((a: ServerAction) => void) | null = null;

  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'menu';
    this.el.setAttribute('role', 'menu');
    this.el.hidden = true;
    this.el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
      else if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) {
        e.preventDefault();
        this.move(e.key);
      }
    });
  }

  /** Opens at (x, y) relative to the element, offering what makes sense for the server's state. */
  open(x: number, y: number, title: string, failed: boolean, slowed: boolean, onAction: (a: ServerAction) => void): void {
    this.onAction = onAction;
    const head = document.createElement('div');
    head.className = 'menu-title';
    head.textContent = title;
    const items: [ServerAction, string][] = [failed ? ['revive', 'Revive'] : ['kill', 'Kill'], slowed ? ['restore', 'Restore speed'] : ['slow', 'Slow down ×4']];
    this.el.replaceChildren(head, ...items.map(([action, text]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'menuitem');
      b.textContent = text;
      b.onclick = () => {
        this.close();
        onAction(action);
      };
      return b;
    }));
    this.el.style.left = `${x}px`;
    this.el.style.top = `${y}px`;
    this.el.hidden = false;
    (this.el.querySelector('button') as HTMLButtonElement).focus();
  }

  /** Moves the focus between items (`key`: ArrowDown, ArrowUp, Home or End). */
  private move(key: string): void {
    const items = [...this.el.querySelectorAll<HTMLButtonElement>('button')];
    if (items.length === 0) return;
    const root = this.el.getRootNode() as Document | ShadowRoot;
    const at = items.indexOf(root.activeElement as HTMLButtonElement);
    const n = items.length;
    const next = key === 'Home' ? 0 : key === 'End' ? n - 1 : at < 0 ? 0 : (at + (key === 'ArrowDown' ? 1 : n - 1)) % n;
    items[next].focus();
  }

  close(): void {
    this.el.hidden = true;
    this.onAction = null;
  }

  get isOpen(): boolean {
    return !this.el.hidden && this.onAction !== null;
  }
}
