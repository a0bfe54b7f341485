import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from './config.js';
import { encryptedDataConverter } from './temporal/codec.js';

/**
 * A Temporal client whose connection is opened on first use, so the API starts while Temporal is still coming up.
 * Its payloads are encrypted with the configured codec keys.
 */
export function createTemporalClient(temporal: AppConfig['temporal']): Client {
  const connection = Connection.lazy({ address: temporal.address });
  return new Client({ connection, namespace: temporal.namespace, dataConverter: encryptedDataConverter(temporal.codecKeys) });
}
