import type { SiteChange, SiteContent } from './content.js';

/** What an editor is asked: the owner's words and the content they are about (contact block filled in). */
export interface EditInput {
  request: string;
  content: SiteContent;
  businessName?: string;
}

/** An editor's answer: a change set with its confidence, or a refusal that sends the request to a person. */
export type EditProposal =
  | { kind: 'change'; changes: SiteChange[]; summary: string; confidence: number }
  | { kind: 'refused'; reason: string; confidence: number };

/** Turns a free-text change request into structured edits of the site content. */
export interface SiteEditor {
  propose(input: EditInput): Promise<EditProposal>;
}

/** A failed editor call; `retryable` tells whether the same request may succeed later. */
export class SiteEditorError extends Error {
  override readonly name = 'SiteEditorError';

  constructor(
    message: string,
    readonly code: 'timeout' | 'network' | 'rate_limited' | 'server_error' | 'client_error' | 'invalid_output',
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
