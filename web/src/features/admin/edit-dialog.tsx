/** The admin studio's one dialog: a titled form over the page (Radix Dialog: focus kept inside, Escape closes). */
import type { FormEvent, ReactNode } from 'react';
import { Dialog } from 'radix-ui';
import { ErrorState } from '../../components/states';
import { text } from './text';

export function EditDialog({
  title,
  onClose,
  onSubmit,
  pending,
  error,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  pending: boolean;
  error: unknown;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Dialog.Root open onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog-content" aria-describedby={undefined}>
          <Dialog.Title>{title}</Dialog.Title>
          <form onSubmit={submit} noValidate>
            {children}
            {error ? <ErrorState error={error} /> : null}
            <div className="row">
              <button type="submit" disabled={pending}>
                {pending ? text.common.saving : text.common.save}
              </button>
              <Dialog.Close asChild>
                <button type="button" className="secondary">
                  {text.common.cancel}
                </button>
              </Dialog.Close>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A labelled input; `help` is tied to it with aria-describedby. */
export function Field({ id, label, help, children }: { id: string; label: string; help?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {help ? (
        <p className="help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      {children}
    </div>
  );
}
