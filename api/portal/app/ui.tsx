import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/**
 * A labelled form field; the hint and the error are tied to the input for screen readers. `maxLength` and
 * `minLength` come from FIELD_LIMITS, the numbers the API checks, so the form refuses what the API would.
 */
export function Field(props: {
  id: string;
  label: string;
  type?: string;
  value: string;
  onInput: (value: string) => void;
  autoComplete?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  hint?: string;
  multiline?: boolean;
  /** The sentence to show beside the input, e.g. {@link fieldError} of the form's last answer. */
  error?: string | undefined;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  const common = {
    id: props.id,
    name: props.id,
    value: props.value,
    required: props.required,
    maxLength: props.maxLength,
    minLength: props.minLength,
    'aria-describedby': describedBy,
    'aria-invalid': props.error ? true : undefined,
    onInput: (event: Event) => props.onInput((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint && <p class="hint" id={hintId}>{props.hint}</p>}
      {props.error && <p class="field-error" id={errorId}>{props.error}</p>}
      {props.multiline
        ? <textarea rows={6} {...common} />
        : <input type={props.type ?? 'text'} autoComplete={props.autoComplete} {...common} />}
    </div>
  );
}

/** The message of an API error when it concerns this input (its `field`, or one of `codes`), to show beside it. */
export function fieldError(error: ApiError | null, field: string, codes: string[] = []): string | undefined {
  if (!error) return undefined;
  return error.field === field || codes.includes(error.code) ? error.message : undefined;
}

/** A form's error notice, unless the error is already shown beside one of the form's inputs. */
export function FormError(props: { error: ApiError | null; fields?: string[]; codes?: string[] }) {
  const { error } = props;
  if (!error) return null;
  if (error.field !== undefined && props.fields?.includes(error.field)) return null;
  if (props.codes?.includes(error.code)) return null;
  return <Notice kind="error">{error.message}</Notice>;
}

/** A message for the person: errors are announced at once, other news politely. */
export function Notice(props: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>{props.children}</div>;
}

/** The page's heading, focused when the page changes so keyboard and screen-reader users start there. */
export function PageTitle(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return <h1 tabIndex={-1} ref={ref}>{props.children}</h1>;
}

/** Loads data for a page; `reload` fetches it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: ApiError | null; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null }>({ data: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: null }),
      (error: unknown) => live && setState({ data: null, error: asApiError(error) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { ...state, reload: useCallback(() => setRound((n) => n + 1), []) };
}

/** Any failure as an ApiError, so pages show one kind of message. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'network_error', 'We could not reach WebMagic. Check your connection and try again.', {});
}

/** Runs a form's action with a busy flag and the error of the last attempt. */
export function useAction(): { busy: boolean; error: ApiError | null; run: (action: () => Promise<void>) => Promise<void>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

/** Turns a submit event into the action, without the browser's own submission. */
export function onSubmit(action: () => Promise<void>) {
  return (event: Event) => {
    event.preventDefault();
    void action();
  };
}

const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });
const DATE_TIME = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** A date for people, or a dash. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? DATE.format(new Date(iso)) : '—';
}

/** A date and time for people, or a dash. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '—';
}

/** An amount in its currency. */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
}

/** A status code as words ("past_due" → "Past due"). */
export function humanize(code: string): string {
  const text = code.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A coloured label for a status. */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge badge-${props.status}`}>{humanize(props.status)}</span>;
}

/** A ref that moves the keyboard focus to its element when it appears (a confirmation opened by a button). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
