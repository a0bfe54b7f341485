import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from './config.js';

/** TLS and API-key options of a Temporal connection, shared by the API client and the worker's NativeConnection. */
export interface TemporalConnectionSecurity {
  tls?: { clientCertPair: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string } | true;
  apiKey?: string;
}

/** Reads the configured mTLS files (or turns TLS on for an API key, as Temporal Cloud requires); nothing for a plain dev server. */
export function temporalConnectionSecurity(security: AppConfig['temporalSecurity'] | undefined): TemporalConnectionSecurity {
  if (!security) return {};
  const result: TemporalConnectionSecurity = {};
  if (security.tls) {
    result.tls = {
      clientCertPair: { crt: readFileSync(security.tls.certPath), key: readFileSync(security.tls.keyPath) },
      ...(security.tls.caPath ? { serverRootCACertificate: readFileSync(security.tls.caPath) } : {}),
      ...(security.tls.serverName ? { serverNameOverride: security.tls.serverName } : {}),
    };
  }
  if (security.apiKey) {
    result.apiKey = security.apiKey;
    result.tls ??= true;
  }
  return result;
}

/** A Temporal client whose connection is opened on first use, so the API starts while Temporal is still coming up. */
export function createTemporalClient(temporal: AppConfig['temporal'], security?: AppConfig['temporalSecurity']): Client {
  const connection = Connection.lazy({ address: temporal.address, ...temporalConnectionSecurity(security) });
  return new Client({ connection, namespace: temporal.namespace });
}
