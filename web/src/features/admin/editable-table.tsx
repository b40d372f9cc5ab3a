/**
 * The admin studio's list frame, shared by agents, queues and SLA policies and calendars: a table
 * with a row header per item, an Edit button on each row (named for the item), the empty state,
 * and the state of "which item is in its edit dialog" with the status line a save leaves.
 */
import { useState, type ReactNode } from 'react';
import { Empty } from '../../components/states';
import { text } from './text';

export interface Column<T> {
  readonly header: string;
  readonly cell: (item: T) => ReactNode;
  /** `data-figure` on the cell, for the tests to read one value. */
  readonly figure?: string;
}

export function EditableTable<T>({
  items,
  testId,
  caption,
  empty,
  header,
  rowHeader,
  columns,
  keyOf,
  rowData,
  editLabel,
  onEdit,
}: {
  items: readonly T[];
  testId: string;
  caption: string;
  /** The empty state's title when there is no item. */
  empty: string;
  /** The first column's header: the item's name. */
  header: string;
  rowHeader: (item: T) => ReactNode;
  columns: readonly Column<T>[];
  keyOf: (item: T) => string;
  /** `data-*` attributes of an item's row. */
  rowData?: (item: T) => Record<`data-${string}`, string>;
  /** The Edit button's accessible name for an item. */
  editLabel: (item: T) => string;
  onEdit: (item: T) => void;
}) {
  if (items.length === 0) return <Empty title={empty} />;
  return (
    <table className="responsive" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{header}</th>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{text.common.edit}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={keyOf(item)} {...rowData?.(item)}>
            <th scope="row">{rowHeader(item)}</th>
            {columns.map((column) => (
              <td key={column.header} data-figure={column.figure}>
                {column.cell(item)}
              </td>
            ))}
            <td>
              <button type="button" className="secondary" aria-label={editLabel(item)} onClick={() => onEdit(item)}>
                {text.common.edit}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Which item (or a new one) is in its edit dialog, and what the last save said (for the status line). */
export function useEditor<E>() {
  const [editing, setEditing] = useState<E | undefined>();
  const [status, setStatus] = useState('');
  return {
    editing,
    edit: (item: E) => setEditing(item),
    close: () => setEditing(undefined),
    /** A dialog saved: it closes, and the status line says so. */
    saved: (message: string) => {
      setEditing(undefined);
      setStatus(message);
    },
    status,
  };
}

/** The status line a save leaves (a polite live region). */
export function SavedStatus({ message }: { message: string }) {
  return <p role="status">{message}</p>;
}
