import { createHash, createHmac } from 'node:crypto';

/**
 * The private preview token of one draft: derived from a server secret and the draft's ids, so a retried email step
 * sends the same link and nothing secret passes through workflow history. Only its hash is stored.
 */
export function previewToken(secret: string, editRequestId: string, versionId: string): string {
  return createHmac('sha256', secret).update(`site-preview:${editRequestId}:${versionId}`).digest('base64url');
}

/** What the database keeps of a preview token. */
export function hashPreviewToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
