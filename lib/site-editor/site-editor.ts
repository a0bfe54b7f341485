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
  /** A failed call throws a `ChatCompletionError` (`retryable` tells whether the same request may succeed later). */
  propose(input: EditInput): Promise<EditProposal>;
}
