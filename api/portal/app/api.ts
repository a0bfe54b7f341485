/** An error answer of the API: its status, code, message and any extra fields (e.g. `sites`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The input the error concerns, as the API names it (`email`, `full_name`), when it concerns one. */
  get field(): string | undefined {
    return typeof this.body.field === 'string' ? this.body.field : undefined;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function send<T>(method: Method, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return answer<T>(response);
}

async function answer<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = typeof data.error === 'string' ? data.error : 'error';
    const message = typeof data.message === 'string' ? data.message : 'Something went wrong; please try again.';
    throw new ApiError(response.status, code, message, data);
  }
  return data as T;
}

// The owner's access token lives only in this module's memory; the refresh token is an HttpOnly cookie the
// page cannot read, sent only to /api/v1/customer with the x-webmagic-session header.
let accessToken: string | null = null;
const COOKIE_SESSION = { 'x-webmagic-session': 'cookie' };

/** The signed-in owner as /customer/me answers it. */
export interface Profile {
  id: string;
  email: string;
  full_name: string;
  phone: string | null;
  email_verified: boolean;
  owned_sites_count: number;
}

interface SessionAnswer {
  access_token: string;
  user: Profile;
}

/** Keeps the access token of a login, reset or set-password answer. */
export function adoptSession(answer: SessionAnswer): Profile {
  accessToken = answer.access_token;
  return answer.user;
}

/** Calls an owner endpoint that does not need a session (login, emailed links), asking for the refresh cookie. */
export function publicCall<T>(method: Method, path: string, body?: unknown): Promise<T> {
  return send<T>(method, `/api/v1${path}`, COOKIE_SESSION, body);
}

/** Trades the refresh cookie for a new access token; false when there is no live session. */
export async function refreshSession(): Promise<boolean> {
  try {
    adoptSession(await send<SessionAnswer>('POST', '/api/v1/customer/refresh', COOKIE_SESSION, {}));
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return false;
    throw error;
  }
}

/** Runs a call with the owner's access token, refreshing the token once when it has expired. */
async function asOwner<T>(call: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  if (!accessToken && !(await refreshSession())) throw new ApiError(401, 'unauthorized', 'Please sign in.', {});
  const bearer = () => ({ authorization: `Bearer ${accessToken ?? ''}` });
  try {
    return await call(bearer());
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || !(await refreshSession())) throw error;
    return call(bearer());
  }
}

/** Calls an owner endpoint with the access token, refreshing it once when it has expired. */
export function ownerCall<T>(method: Method, path: string, body?: unknown): Promise<T> {
  return asOwner((headers) => send<T>(method, `/api/v1${path}`, headers, body));
}

/** The content types a photo upload is sent as; any other file goes as bytes and the API says what it is. */
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/svg+xml'];

/** Posts a file as the whole request body (a photo upload) to an owner endpoint, with the file's content type. */
export function ownerUpload<T>(path: string, file: File): Promise<T> {
  const contentType = PHOTO_TYPES.includes(file.type) ? file.type : 'application/octet-stream';
  return asOwner(async (headers) => answer<T>(await fetch(`/api/v1${path}`, {
    method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': contentType, ...headers }, body: file,
  })));
}

/** Downloads a file from an owner endpoint with the access token: its bytes and the file name it is sent with. */
export async function ownerDownload(path: string): Promise<{ blob: Blob; filename: string }> {
  if (!accessToken && !(await refreshSession())) throw new ApiError(401, 'unauthorized', 'Please sign in.', {});
  const response = await fetch(`/api/v1${path}`, { credentials: 'same-origin', headers: { authorization: `Bearer ${accessToken ?? ''}` } });
  if (!response.ok) {
    const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiError(response.status, typeof data.error === 'string' ? data.error : 'error', typeof data.message === 'string' ? data.message : 'The download failed; please try again.', data);
  }
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  return { blob: await response.blob(), filename };
}

/** Ends the owner's session (server side and the cookie) and forgets the access token. */
export async function signOut(): Promise<void> {
  accessToken = null;
  await send('POST', '/api/v1/customer/logout', COOKIE_SESSION, {});
}

/** The console session: operator, CSRF token, Temporal UI base. */
export interface ConsoleSession {
  operator: { id: string; email: string; name: string; role: string };
  csrf_token: string;
  temporal_ui_url: string;
}

let consoleSession: ConsoleSession | null = null;

/** Remembers the console session a sign-in answered. */
export function adoptConsoleSession(session: ConsoleSession | null): void {
  consoleSession = session;
}

/** The console session of the cookie, loaded once; null when signed out. */
export async function loadConsoleSession(): Promise<ConsoleSession | null> {
  if (consoleSession) return consoleSession;
  try {
    consoleSession = await send<ConsoleSession>('GET', '/api/v1/admin/session', {});
    return consoleSession;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Calls an admin endpoint with the console's session cookie and its CSRF token. */
export function consoleCall<T>(method: Method, path: string, body?: unknown): Promise<T> {
  return send<T>(method, `/api/v1${path}`, consoleSession ? { 'x-csrf-token': consoleSession.csrf_token } : {}, body);
}
