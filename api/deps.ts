import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../lib/config.js';

/** What the API needs from the outside world; tests build it against real servers. */
export interface ApiDeps {
  config: AppConfig;
  orm: MikroORM;
  temporal: Client;
}
