import { isDeepStrictEqual } from 'node:util';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { CustomerSiteOwnership, EditRequest, EmailMessage, Site, SiteVersion, SupportTicket, TicketMessage } from '../db/entities/index.js';
import type { EditRequestStatus, IEditRequest } from '../db/entities/edit-request.entity.js';
import type { AppConfig } from '../lib/config.js';
import { notEditableReason } from '../lib/site-editor/editable.js';
import { applyChanges, ChangeConflictError, withContact, type SiteContent } from '../lib/site-editor/content.js';
import { hashPreviewToken, previewToken } from '../lib/site-editor/preview-token.js';
import { ChatCompletionError } from '../lib/openai/chat-completions.js';
import { summarise } from '../lib/site-editor/local-editor.js';
import type { EditProposal, SiteEditor } from '../lib/site-editor/site-editor.js';
import { newThemeProblems } from '../lib/site-templates/contrast.js';
import { editRequestPageUrl, previewPageUrl, siteUrl } from '../lib/urls.js';
import { createEmailActivities } from './email.js';
import type { Mailer } from '../lib/postmark/mailer.js';

/** A draft saved for approval, or the reason a person must draft it instead. */
export type DraftResult =
  | { kind: 'draft'; versionId: string; versionNumber: number; summary: string }
  | { kind: 'needs_agent'; reason: string };

/** What publishing an approved draft did. */
export type PublishResult =
  | { kind: 'published'; versionNumber: number }
  | { kind: 'stale'; reason: string }
  | { kind: 'not_editable'; reason: string };

/** The steps the owner (and the ticket, where there is one) hears about. */
export type EditNotice = 'draft_ready' | 'reminder' | 'published' | 'expired' | 'rejected' | 'needs_agent' | 'refused';

const TICKET_TEXT: Record<EditNotice, string> = {
  draft_ready: 'We drafted the change you asked for. Check your email for the private preview link, then approve or reject it.',
  reminder: 'Your drafted change is still waiting for your approval; the preview link is in your email.',
  published: 'Your change is live on your website.',
  expired: 'The drafted change was not approved in time, so we discarded it. Your website is unchanged.',
  rejected: 'You rejected the drafted change; a member of the team will follow up.',
  needs_agent: 'A member of the team will prepare this change for you.',
  refused: 'We could not make this change',
};

function line(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

async function nextVersionNumber(em: EntityManager, siteId: string): Promise<number> {
  const [row] = await em.getConnection().execute<{ max: number | null }[]>('select max(version_number) as max from site_versions where site_id = ?', [siteId]);
  return (row?.max ?? 0) + 1;
}

/** Site-edit activities: draft with the configured editor, publish under a site lock, discard, and tell the owner. */
export function createSiteEditActivities(deps: { orm: MikroORM; mailer: Mailer; siteEditor: SiteEditor; config: AppConfig }) {
  const emails = createEmailActivities(deps);
  const sendEmail = (input: Parameters<typeof emails.sendEmail>[0]) => emails.sendEmail(input);

  async function loadRequest(em: EntityManager, editRequestId: string): Promise<IEditRequest> {
    return em.findOneOrFail(EditRequest, editRequestId, { populate: ['site', 'site.business', 'site.currentVersion', 'previewVersion', 'ticket', 'requestedBy'] });
  }

  async function recipient(em: EntityManager, request: IEditRequest): Promise<{ email: string; name: string } | null> {
    const customer = request.requestedBy
      ?? (request.ticket ? (await em.findOneOrFail(SupportTicket, request.ticket.id, { populate: ['customer'] })).customer : null)
      ?? (await em.findOne(CustomerSiteOwnership, { site: request.site.id, role: 'owner' }, { populate: ['customer'], orderBy: { acquiredAt: 'asc' } }))?.customer
      ?? null;
    return customer ? { email: customer.email, name: customer.fullName || 'there' } : null;
  }

  /** Stores a new unpublished version for the request and makes it the preview; the token hash goes with it. */
  function saveDraft(em: EntityManager, request: IEditRequest, content: SiteContent, summary: string, createdBy: 'ai' | 'admin', versionNumber: number, expiresInMs: number) {
    const version = em.create(SiteVersion, { site: request.site, versionNumber, content, changeSummary: line(summary, 300), createdBy, publishedAt: null });
    request.previewVersion = version;
    request.baseVersion = request.site.currentVersion ?? null;
    request.previewTokenHash = hashPreviewToken(previewToken(deps.config.auth.jwtSecret, request.id, version.id));
    request.expiresAt = new Date(Date.now() + expiresInMs);
    request.status = 'awaiting_approval';
    return version;
  }

  function discardPreview(request: IEditRequest): void {
    if (request.previewVersion && !request.previewVersion.publishedAt) request.previewVersion.discardedAt ??= new Date();
    request.previewTokenHash = null;
  }

  return {
    /** Why the request's site cannot be edited now, or null. */
    async checkSiteEditable(editRequestId: string): Promise<string | null> {
      const request = await deps.orm.em.fork().findOneOrFail(EditRequest, editRequestId, { populate: ['site'] });
      return notEditableReason(request.site);
    },

    /** The edit request a content-edit ticket opened, if any, with the requester set to the ticket's customer. */
    async editRequestForTicket(ticketId: string): Promise<{ editRequestId: string } | null> {
      const em = deps.orm.em.fork();
      const request = await em.findOne(EditRequest, { ticket: ticketId }, { populate: ['ticket'] });
      if (!request) return null;
      if (!request.requestedBy && request.ticket) {
        const ticket = await em.findOneOrFail(SupportTicket, request.ticket.id);
        request.requestedBy = ticket.customer;
        await em.flush();
      }
      return { editRequestId: request.id };
    },

    /** Sets the request's status (and decision), an absolute write that is safe to repeat. */
    async setEditStatus(input: { editRequestId: string; status: EditRequestStatus; decision?: string }): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(EditRequest, { id: input.editRequestId }, {
        status: input.status,
        ...(input.decision === undefined ? {} : { decision: line(input.decision, 255), decidedAt: new Date() }),
      });
    },

    /**
     * Asks the editor for the change (or takes the request's own changes) and saves it as an unpublished version on the live one. Repeating it returns the
     * saved draft; with `rebase`, a draft on an older live version is discarded and drafted again on the current one.
     */
    async draftEditVersion(input: { editRequestId: string; expiresInMs: number; rebase?: boolean }): Promise<DraftResult> {
      const em = deps.orm.em.fork();
      const request = await loadRequest(em, input.editRequestId);
      const live = request.site.currentVersion;
      const preview = request.previewVersion;
      if (preview && !preview.discardedAt && (!input.rebase || request.baseVersion?.id === live?.id)) {
        return { kind: 'draft', versionId: preview.id, versionNumber: preview.versionNumber, summary: preview.changeSummary ?? '' };
      }
      if (!live) return { kind: 'needs_agent', reason: 'the site has no published version to edit' };
      const base = withContact(live.content, request.site.business);
      let proposal: EditProposal;
      if (request.changes) {
        proposal = { kind: 'change', changes: request.changes, summary: summarise(request.changes), confidence: 1 };
      } else {
        try {
          proposal = await deps.siteEditor.propose({ request: request.requestText, content: base, businessName: request.site.business.name });
        } catch (error) {
          if (error instanceof ChatCompletionError && !error.retryable) return { kind: 'needs_agent', reason: `the editor failed: ${error.message}` };
          throw error;
        }
      }
      if (proposal.kind === 'refused') return { kind: 'needs_agent', reason: proposal.reason };
      let content: SiteContent;
      try {
        content = applyChanges(base, proposal.changes);
      } catch (error) {
        if (error instanceof ChangeConflictError) return { kind: 'needs_agent', reason: error.message };
        throw error;
      }
      // Colours that fail the contrast rule are never drafted, whoever proposed them.
      const contrast = newThemeProblems(base.theme, content.theme);
      if (contrast.length > 0) return { kind: 'needs_agent', reason: contrast.map((p) => p.message).join(' ') };
      if (isDeepStrictEqual(content, base)) return { kind: 'needs_agent', reason: 'the change leaves the site as it is' };
      const version = await deps.orm.em.fork().transactional(async (tx) => {
        await tx.findOneOrFail(Site, request.site.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const current = await loadRequest(tx, input.editRequestId);
        // The live version moved while the editor worked: fail so the retry drafts on the new one.
        if (current.site.currentVersion?.id !== live.id) throw new Error('the live version changed while drafting');
        if (current.previewVersion && !current.previewVersion.discardedAt && !input.rebase) return current.previewVersion;
        discardPreview(current);
        return saveDraft(tx, current, content, proposal.summary, 'ai', await nextVersionNumber(tx, current.site.id), input.expiresInMs);
      });
      return { kind: 'draft', versionId: version.id, versionNumber: version.versionNumber, summary: version.changeSummary ?? '' };
    },

    /** Saves content an agent wrote by hand as the request's new preview; repeating it with the same content returns the same draft. */
    async saveAgentDraft(input: { editRequestId: string; content: SiteContent; summary: string; expiresInMs: number }): Promise<DraftResult> {
      const version = await deps.orm.em.fork().transactional(async (tx) => {
        const { site } = await tx.findOneOrFail(EditRequest, input.editRequestId);
        await tx.findOneOrFail(Site, site.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const request = await loadRequest(tx, input.editRequestId);
        const preview = request.previewVersion;
        if (preview && !preview.discardedAt && preview.createdBy === 'admin' && isDeepStrictEqual(preview.content, input.content)) return preview;
        discardPreview(request);
        return saveDraft(tx, request, input.content, input.summary, 'admin', await nextVersionNumber(tx, request.site.id), input.expiresInMs);
      });
      return { kind: 'draft', versionId: version.id, versionNumber: version.versionNumber, summary: version.changeSummary ?? '' };
    },

    /**
     * Publishes the approved preview by pointing the site at it, under a lock on the site row: refused when the live
     * version is no longer the one the preview was drafted on (another edit went live meanwhile) or editing lapsed.
     */
    async publishEditDraft(editRequestId: string): Promise<PublishResult> {
      return deps.orm.em.fork().transactional(async (em) => {
        const request = await em.findOneOrFail(EditRequest, editRequestId, { populate: ['previewVersion'] });
        const site = await em.findOneOrFail(Site, request.site.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const preview = request.previewVersion;
        if (!preview) throw ApplicationFailure.nonRetryable('the edit request has no draft', 'NoDraft');
        if (request.status === 'published' && site.currentVersion?.id === preview.id) return { kind: 'published', versionNumber: preview.versionNumber };
        const blocked = notEditableReason(site);
        if (blocked) return { kind: 'not_editable', reason: blocked };
        if (site.currentVersion?.id !== request.baseVersion?.id) {
          return { kind: 'stale', reason: 'the live site changed after this preview was drafted' };
        }
        site.currentVersion = preview;
        preview.publishedAt ??= new Date();
        request.status = 'published';
        request.decision = 'approved';
        request.decidedAt = new Date();
        request.previewTokenHash = null;
        return { kind: 'published', versionNumber: preview.versionNumber };
      });
    },

    /** Discards the unpublished preview and ends the request in `status`; safe to repeat. */
    async discardEditDraft(input: { editRequestId: string; status: EditRequestStatus; decision: string }): Promise<void> {
      const em = deps.orm.em.fork();
      const request = await em.findOneOrFail(EditRequest, input.editRequestId, { populate: ['previewVersion'] });
      discardPreview(request);
      request.status = input.status;
      request.decision = line(input.decision, 255);
      request.decidedAt ??= new Date();
      await em.flush();
    },

    /** Emails the owner about a step (once per step and draft) and, where the request came from a ticket, posts it there. */
    async sendEditNotice(input: { editRequestId: string; notice: EditNotice; detail?: string }): Promise<void> {
      const em = deps.orm.em.fork();
      const request = await loadRequest(em, input.editRequestId);
      const site = request.site;
      const preview = request.previewVersion;
      const summary = line(preview?.changeSummary || request.requestText);
      const key = `edit:${request.id}:${input.notice}:v${preview?.versionNumber ?? 0}`;
      // An agent already answered a request nobody drafted: its expiry is no news to the owner.
      if (input.notice === 'expired' && request.agentAnsweredAt && !preview) return;
      if (request.ticket) {
        const body = input.detail ? `${TICKET_TEXT[input.notice]}: ${input.detail}` : TICKET_TEXT[input.notice];
        await em.upsert(TicketMessage, { ticket: request.ticket.id, idempotencyKey: key, authorType: 'system', body }, { onConflictFields: ['idempotencyKey'], onConflictAction: 'ignore' });
      }
      const to = await recipient(em, request);
      if (!to) return;
      const name = line(to.name);
      const siteTitle = line(site.title);
      const expiresAt = (request.expiresAt ?? new Date()).toISOString();
      const previewUrl = preview ? previewPageUrl(deps.config, previewToken(deps.config.auth.jwtSecret, request.id, preview.id)) : '';
      const requestUrl = editRequestPageUrl(deps.config, site.id, request.id);
      switch (input.notice) {
        case 'draft_ready':
        case 'reminder':
          if (!preview) return;
          try {
            await sendEmail({ idempotencyKey: key, to: to.email, template: input.notice === 'draft_ready' ? 'edit_preview_ready' : 'edit_reminder', model: { name, siteTitle, summary, previewUrl, requestUrl, expiresAt } });
          } finally {
            // The log keeps the email without the token: only its hash is stored.
            await em.nativeUpdate(EmailMessage, { idempotencyKey: key }, { model: { name, siteTitle, summary, previewUrl: previewPageUrl(deps.config, '[redacted]'), requestUrl, expiresAt } });
          }
          return;
        case 'published':
          await sendEmail({ idempotencyKey: key, to: to.email, template: 'edit_published', model: { name, siteTitle, summary, siteUrl: siteUrl(deps.config, site.slug), requestUrl } });
          return;
        case 'expired':
          await sendEmail({ idempotencyKey: key, to: to.email, template: 'edit_expired', model: { name, siteTitle, summary, requestUrl } });
          return;
        default:
          return;
      }
    },
  };
}
