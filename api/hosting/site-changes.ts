import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabaseSettings } from '../../db/orm.js';

/** The channel the database triggers notify when anything a public page shows changes (payload: site id, or `*`). */
export const SITE_CHANGED_CHANNEL = 'site_changed';

/** Receives `site_changed` notifications on a dedicated connection, reconnecting after a failure. */
export interface SiteChangeListener {
  /** True while the connection listens; while false, nothing may be served from a cache. */
  readonly listening: boolean;
  /** Resolves once every change committed before the call has been delivered to `onChange`. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Callbacks of the listener: one per notification, and one whenever the connection is (re)established or lost. */
export interface SiteChangeHandlers {
  onChange(siteId: string): void;
  onState(listening: boolean): void;
  onError(error: Error): void;
}

const SYNC_PREFIX = 'sync:';

/** How the LISTEN connection names itself to the server (`pg_stat_activity.application_name`). */
export const SITE_CHANGES_APPLICATION = 'webmagic site changes';

/**
 * Opens a LISTEN connection to the database; reconnects with back-off (up to 10 s) until closed. TCP keep-alive
 * notices a server that vanished without closing the connection.
 */
export async function listenForSiteChanges(database: Pick<DatabaseSettings, 'url' | 'connectTimeoutMs'>, handlers: SiteChangeHandlers): Promise<SiteChangeListener> {
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Map<string, () => void>();

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    handlers.onState(value);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: database.url, connectionTimeoutMillis: database.connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000,
      application_name: SITE_CHANGES_APPLICATION,
    });
    next.on('notification', (message) => {
      const payload = message.payload ?? '*';
      if (payload.startsWith(SYNC_PREFIX)) {
        waiting.get(payload)?.();
        waiting.delete(payload);
      } else {
        handlers.onChange(payload);
      }
    });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = null;
      setListening(false);
      if (error) handlers.onError(error);
      next.removeAllListeners('error');
      next.on('error', () => undefined);
      void next.end().catch(() => undefined);
      if (!closed) timer = setTimeout(() => void reconnect(), retryMs);
    };
    next.on('error', (error) => lost(error));
    next.on('end', () => lost());
    await next.connect();
    await next.query(`listen ${SITE_CHANGED_CHANNEL}`);
    client = next;
    retryMs = 250;
    setListening(true);
  }

  async function reconnect(): Promise<void> {
    try {
      await connect();
    } catch (error) {
      handlers.onError(error as Error);
      retryMs = Math.min(retryMs * 2, 10_000);
      if (!closed) timer = setTimeout(() => void reconnect(), retryMs);
    }
  }

  await connect();
  return {
    get listening() {
      return listening;
    },
    async sync() {
      if (!client) throw new Error('not listening for site changes');
      const token = `${SYNC_PREFIX}${randomUUID()}`;
      const delivered = new Promise<void>((resolve) => waiting.set(token, resolve));
      await client.query('select pg_notify($1, $2)', [SITE_CHANGED_CHANNEL, token]);
      await delivered;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = null;
      setListening(false);
      await current?.end();
    },
  };
}
