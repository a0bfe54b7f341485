import { readFileSync } from 'node:fs';
import {
  Client,
  type ClientInterceptors,
  Connection,
  isGrpcCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import proto from '@temporalio/proto';
import type { AppConfig } from '../config.js';
import { encryptedDataConverter } from './codec.js';
import { UnavailableError } from '../errors.js';

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const WORKFLOW_NOT_READY = 'temporal.api.errordetails.v1.WorkflowNotReadyFailure';
const MULTI_OPERATION_FAILURE = 'temporal.api.errordetails.v1.MultiOperationExecutionFailure';
const { google, temporal } = proto;
/** What a caller is told to wait before trying again when Temporal does not answer in time. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** The type names of a gRPC error's details, with those of each operation of a multi-operation (update-with-start). */
function grpcErrorDetailTypes(error: unknown): string[] {
  if (!isGrpcServiceError(error)) return [];
  const encoded = error.metadata?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(encoded)) return [];
  const typeName = (url: string | null | undefined) => (url ?? '').replace(/^type\.googleapis\.com\//, '');
  try {
    return google.rpc.Status.decode(encoded).details.flatMap((detail) => {
      const type = typeName(detail.type_url);
      if (type !== MULTI_OPERATION_FAILURE || !detail.value) return [type];
      const { statuses } = temporal.api.errordetails.v1.MultiOperationExecutionFailure.decode(detail.value);
      return [type, ...statuses.flatMap((status) => (status.details ?? []).map((d) => typeName(d.type_url)))];
    });
  } catch {
    return [];
  }
}

/**
 * True for the errors of a Temporal that is down, unreachable, too slow or overloaded (not for answers such as "not
 * found"), and for a workflow not ready for an update: its task has failed or timed out twice in a row (its worker
 * died holding it, say), and from the third attempt on Temporal refuses updates until a task completes again.
 */
export function isTemporalUnavailable(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error) || isGrpcCancelledError(error)) return true;
  const cause = error instanceof ServiceError ? error.cause : error;
  if (!isGrpcServiceError(cause)) return false;
  return [GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED, GRPC_RESOURCE_EXHAUSTED].includes(Number(cause.code)) || grpcErrorDetailTypes(cause).includes(WORKFLOW_NOT_READY);
}

/**
 * Runs calls into Temporal under a deadline, so a request never waits on a Temporal (or a worker) that does not
 * answer: past the deadline, or with Temporal unreachable, it fails fast with a 503 that says when to retry.
 */
export async function withTemporalDeadline<R>(client: Client, timeoutMs: number, fn: () => Promise<R>): Promise<R> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, fn);
  } catch (error) {
    if (isTemporalUnavailable(error)) {
      throw new UnavailableError('temporarily_unavailable', 'The purchase service is busy or restarting. Try again in a few seconds.', TEMPORAL_RETRY_AFTER_SECONDS);
    }
    throw error;
  }
}

/** TLS and API-key options of a Temporal connection, shared by the API client and the worker's NativeConnection. */
export interface TemporalConnectionSecurity {
  tls?: { clientCertPair: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string } | true;
  apiKey?: string;
}

/** Reads the configured mTLS files (or turns TLS on for an API key, as Temporal Cloud requires); nothing for a plain dev server. */
export function temporalConnectionSecurity(security: AppConfig['temporal']['security'] | undefined): TemporalConnectionSecurity {
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

/**
 * A Temporal client whose connection is opened on first use, so the API starts while Temporal is still coming up.
 * Its payloads are encrypted with the configured codec keys; `interceptors` add tracing when it is on.
 */
export function createTemporalClient(temporal: AppConfig['temporal'], security?: AppConfig['temporal']['security'], interceptors?: ClientInterceptors): Client {
  const connection = Connection.lazy({ address: temporal.address, ...temporalConnectionSecurity(security) });
  return new Client({ connection, namespace: temporal.namespace, dataConverter: encryptedDataConverter(temporal.codecKeys), ...(interceptors ? { interceptors } : {}) });
}
