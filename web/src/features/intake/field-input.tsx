/** One intake question as the right control for its field type, labelled, with help, required mark and the API's message. */
import type { CaseField, FieldValue } from '../../api/types';
import { text } from './text';

interface Props {
  readonly field: CaseField;
  readonly required: boolean;
  readonly value: FieldValue | undefined;
  readonly errors: readonly string[];
  readonly onChange: (value: FieldValue | undefined) => void;
}

export const inputId = (name: string) => `field-${name}`;

export function RequiredMark({ required }: { required: boolean }) {
  return required ? (
    <span className="required-mark">
      {' '}
      *<span className="visually-hidden"> ({text.required})</span>
    </span>
  ) : null;
}

export function FieldInput({ field, required, value, errors, onChange }: Props) {
  const id = inputId(field.name);
  const helpId = field.help ? `${id}-help` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': errors.length > 0 ? true : undefined,
    'aria-required': required || undefined,
  };
  const help = field.help ? (
    <p className="help" id={helpId}>
      {field.help}
    </p>
  ) : null;
  const error = errorId ? (
    <p className="field-error" id={errorId}>
      {errors.join(' ')}
    </p>
  ) : null;

  if (field.type === 'boolean' || field.type === 'multiEnum') {
    const options =
      field.type === 'boolean'
        ? [
            { value: 'true', label: text.yes },
            { value: 'false', label: text.no },
          ]
        : field.options;
    return (
      <fieldset className="field" aria-describedby={describedBy} aria-invalid={errors.length > 0 || undefined} id={id} tabIndex={-1}>
        <legend>
          <strong>{field.label}</strong>
          <RequiredMark required={required} />
        </legend>
        {help}
        {options.map((option) => {
          const optionId = `${id}-${option.value}`;
          const checked = field.type === 'boolean' ? value === (option.value === 'true') : Array.isArray(value) && value.includes(option.value);
          return (
            <div key={option.value} className="row">
              <input
                id={optionId}
                style={{ width: 'auto' }}
                type={field.type === 'boolean' ? 'radio' : 'checkbox'}
                name={id}
                checked={checked}
                onChange={(event) => {
                  if (field.type === 'boolean') onChange(option.value === 'true');
                  else {
                    const current = Array.isArray(value) ? value : [];
                    const next = event.target.checked ? [...current, option.value] : current.filter((v) => v !== option.value);
                    onChange(next.length > 0 ? next : undefined);
                  }
                }}
              />
              <label htmlFor={optionId} style={{ fontWeight: 'normal', margin: 0 }}>
                {option.label}
              </label>
            </div>
          );
        })}
        {error}
      </fieldset>
    );
  }

  let control;
  switch (field.type) {
    case 'enum':
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.target.value || undefined)}>
          <option value="">{text.choose}</option>
          {field.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          value={typeof value === 'number' ? value : ''}
          onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))}
        />
      );
      break;
    case 'date':
      control = (
        <input
          {...common}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value || undefined)}
        />
      );
      break;
    default: {
      const long = field.type === 'text' && (field.maxLength ?? 4000) > 200;
      const props = {
        ...common,
        value: typeof value === 'string' ? value : '',
        onChange: (event: { target: { value: string } }) => onChange(event.target.value || undefined),
      };
      control = long ? <textarea {...props} /> : <input {...props} type="text" />;
    }
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        <RequiredMark required={required} />
      </label>
      {help}
      {control}
      {error}
    </div>
  );
}
