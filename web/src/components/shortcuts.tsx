/**
 * Single-key shortcuts for the agent's main loop, and the `?` dialog that lists them. Keys are
 * ignored while typing in a field, with a modifier held, or while a dialog is open, so they
 * never steal a letter from a reply.
 */
import { useEffect, useRef, useState } from 'react';
import { Dialog } from 'radix-ui';
import { text } from '../app/text';

export interface Shortcut {
  readonly key: string;
  readonly label: string;
  readonly run: () => void;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function useShortcuts(shortcuts: readonly Shortcut[]): { helpOpen: boolean; setHelpOpen: (open: boolean) => void } {
  const [helpOpen, setHelpOpen] = useState(false);
  const current = useRef(shortcuts);
  current.current = shortcuts;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      if (document.querySelector('[role="dialog"]')) return;
      if (event.key === '?') {
        event.preventDefault();
        setHelpOpen(true);
        return;
      }
      const shortcut = current.current.find((s) => s.key === event.key);
      if (shortcut) {
        event.preventDefault();
        shortcut.run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return { helpOpen, setHelpOpen };
}

export function ShortcutsHelp({
  open,
  onOpenChange,
  shortcuts,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  shortcuts: readonly Pick<Shortcut, 'key' | 'label'>[];
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog-content">
          <Dialog.Title>{text.shortcutsHelp}</Dialog.Title>
          <Dialog.Description className="muted">{text.shortcutsIntro}</Dialog.Description>
          <table>
            <tbody>
              {[...shortcuts, { key: '?', label: text.shortcutsHelp }].map((s) => (
                <tr key={s.key}>
                  <td>
                    <kbd>{s.key}</kbd>
                  </td>
                  <td>{s.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <Dialog.Close asChild>
              <button type="button">{text.close}</button>
            </Dialog.Close>
          </p>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
