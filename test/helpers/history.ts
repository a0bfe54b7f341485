import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';

/** Decodes payloads read from a stored history the way the client would (decrypting them with its codec). */
export async function decodePayloads<T>(client: Client, payloads: Payload[]): Promise<T[]> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = payloads;
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded.map((payload) => payloadConverter.fromPayload<T>(payload));
}

/** The event ids of every claimPaymentSucceeded signal in a workflow's history, in order. */
export async function signalledEventIds(temporal: Client, workflowId: string): Promise<string[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const payloads = (history.events ?? []).flatMap((entry) => {
    const signal = entry.workflowExecutionSignaledEventAttributes;
    return signal?.signalName === 'claimPaymentSucceeded' ? (signal.input?.payloads ?? []) : [];
  });
  return (await decodePayloads<{ eventId: string }>(temporal, payloads)).map((payment) => payment.eventId);
}
