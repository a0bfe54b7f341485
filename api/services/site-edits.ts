import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { EditRequest, Site, SiteVersion } from '../../db/entities/index.js';
import type { EditRequestStatus, IEditRequest } from '../../db/entities/edit-request.entity.js';
import type { ISite } from '../../db/entities/site.entity.js';
import type { ISiteVersion } from '../../db/entities/site-version.entity.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { applyChanges, TEMPLATE_IDS, type CornerRadius, type FontPairing, type SiteChange, type SiteContent, type TemplateId } from '../../lib/site-editor/content.js';
import { summarise } from '../../lib/site-editor/local-editor.js';
import { newThemeProblems, themeContrastProblems } from '../../lib/site-templates/contrast.js';
import { notEditableReason } from '../../lib/site-editor/editable.js';
import { hashPreviewToken, previewToken } from '../../lib/site-editor/preview-token.js';
import { previewPageUrl } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { agentDraftUpdate, approveEditUpdate, rejectEditUpdate, type SiteEditState } from '../../workflows/site-edit/contract.js';
import { siteEditWorkflow } from '../../workflows/site-edit/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import type { EditRequestDto, VersionDto } from '../schemas/answers.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

/** Shapes a version; `withContent` adds the content. */
export function versionDto(version: ISiteVersion, site: Pick<ISite, 'currentVersion'>, withContent = false): VersionDto {
  return {
    number: version.versionNumber,
    summary: version.changeSummary ?? null,
    created_by: version.createdBy,
    created_at: version.createdAt.toISOString(),
    published_at: iso(version.publishedAt),
    discarded_at: iso(version.discardedAt),
    live: site.currentVersion?.id === version.id,
    ...(withContent ? { content: version.content } : {}),
  };
}

/** Shapes an edit request (loaded with its preview version). */
export function editRequestDto(request: IEditRequest): EditRequestDto {
  return {
    id: request.id,
    site_id: request.site.id,
    ticket_id: request.ticket?.id ?? null,
    request: request.requestText,
    status: request.status,
    preview_version: request.previewVersion?.versionNumber ?? null,
    summary: request.previewVersion?.changeSummary ?? null,
    decision: request.decision ?? null,
    decided_at: iso(request.decidedAt),
    expires_at: iso(request.expiresAt),
    created_at: request.createdAt.toISOString(),
    agent_answer: request.agentAnswer ?? null,
    agent_answered_at: iso(request.agentAnsweredAt),
  };
}

/**
 * An edit request as its site's owners and collaborators see it (loaded with its site's live version): with the
 * private preview link while the draft awaits approval, and, once published, whether an older version is live again.
 */
export function customerEditRequestDto(config: Pick<ApiDeps['config'], 'publicBaseUrl' | 'auth'>, request: IEditRequest): EditRequestDto {
  const preview = request.previewVersion;
  const open = request.status === 'awaiting_approval' && preview && !preview.discardedAt && request.previewTokenHash;
  const live = request.site.currentVersion?.versionNumber ?? null;
  const rolledBack = request.status === 'published' && preview !== undefined && preview !== null && live !== null && live < preview.versionNumber;
  return {
    ...editRequestDto(request),
    preview_url: open ? previewPageUrl(config, previewToken(config.auth.jwtSecret, request.id, preview.id)) : null,
    live_version: live,
    rolled_back: rolledBack,
  };
}

/** 402 with a code the portal can show when the site's subscription does not allow edits. */
export function assertEditable(site: Pick<ISite, 'status' | 'subscriptionStatus'>): void {
  const reason = notEditableReason(site);
  if (reason) throw new AppError(402, 'subscription_inactive', `This site cannot be edited: ${reason}`);
}

/** One version of the site by number. */
export async function siteVersion(em: EntityManager, siteId: string, number: number): Promise<ISiteVersion> {
  const version = await em.findOne(SiteVersion, { site: siteId, versionNumber: number });
  if (!version) throw new NotFoundError('version_not_found', `The site has no version ${number}`);
  return version;
}

/**
 * Makes a version the live one: only `sites.current_version_id` changes (rollback creates no copy). Customers may only
 * republish versions that were live before; operators may publish any version that was not discarded.
 */
export async function publishVersion(em: EntityManager, siteId: string, number: number, by: 'owner' | 'admin'): Promise<void> {
  await em.transactional(async (tx) => {
    const version = await siteVersion(tx, siteId, number);
    if (version.discardedAt) throw new ConflictError('version_discarded', 'This version was discarded and cannot be published');
    if (by === 'owner' && !version.publishedAt) throw new ConflictError('version_not_approved', 'This version was never published; approve its edit request instead');
    await tx.nativeUpdate(Site, { id: siteId }, { currentVersion: version.id });
    if (!version.publishedAt) await tx.nativeUpdate(SiteVersion, { id: version.id }, { publishedAt: new Date() });
  });
}

/**
 * Stores an edit request and starts its workflow; if the workflow cannot start, nothing is kept. With `changes` the
 * draft is exactly those changes (no editor); with `ticketId` the request belongs to that ticket.
 */
export async function openEditRequest(
  deps: Deps, em: EntityManager, site: ISite, customerId: string, text: string, options: { changes?: SiteChange[]; ticketId?: string } = {},
): Promise<IEditRequest> {
  assertEditable(site);
  const request = em.create(EditRequest, { site, requestText: text, requestedBy: customerId, changes: options.changes ?? null, ticket: options.ticketId ?? null });
  await em.flush();
  try {
    await callTemporal(deps, (client) => client.workflow.start(siteEditWorkflow, {
      workflowId: workflowIds.siteEdit(request.id),
      taskQueue: deps.config.temporal.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{
        editRequestId: request.id, reminderMs: deps.config.edits.reminderMs, expiryMs: deps.config.edits.expiryMs,
        ...(options.ticketId ? { ticketId: options.ticketId } : {}),
      }],
    }), { service: 'site editing' });
  } catch (error) {
    await em.fork().nativeDelete(EditRequest, { id: request.id });
    throw error;
  }
  return request;
}

/** The design an owner picks in the portal: any of template, fonts, corners and colours. */
export interface DesignChoice {
  template?: TemplateId | undefined;
  font?: FontPairing | undefined;
  radius?: CornerRadius | undefined;
  primary_color?: string | undefined;
  accent_color?: string | undefined;
}

/** The changes that turn `content` into the chosen design (only what differs). */
export function designChanges(content: SiteContent, choice: DesignChoice): SiteChange[] {
  const changes: SiteChange[] = [];
  if (choice.template && choice.template !== (content.template ?? TEMPLATE_IDS[0])) changes.push({ op: 'set_template', template: choice.template });
  if (choice.font && choice.font !== content.theme.font) changes.push({ op: 'set_font', font: choice.font });
  if (choice.radius && choice.radius !== content.theme.radius) changes.push({ op: 'set_radius', radius: choice.radius });
  if (choice.primary_color && choice.primary_color.toLowerCase() !== content.theme.primaryColor.toLowerCase()) changes.push({ op: 'set_color', target: 'primary', value: choice.primary_color.toLowerCase() });
  if (choice.accent_color && choice.accent_color.toLowerCase() !== content.theme.accentColor.toLowerCase()) changes.push({ op: 'set_color', target: 'accent', value: choice.accent_color.toLowerCase() });
  return changes;
}

/**
 * Opens an edit request for a new design of the live site: refused with a field error when the colours fail the
 * contrast rule or nothing would change; otherwise drafted as chosen, then previewed and approved like any edit.
 */
export async function openDesignRequest(deps: Deps, em: EntityManager, site: ISite, customerId: string, choice: DesignChoice): Promise<IEditRequest> {
  assertEditable(site);
  const live = site.currentVersion ? await em.findOne(SiteVersion, { id: site.currentVersion.id }) : null;
  if (!live) throw new ConflictError('no_live_version', 'This site has no published version to change yet');
  const changes = designChanges(live.content, choice);
  if (changes.length === 0) throw new ValidationError('no_change', 'This is already your site’s design: choose another template, fonts, corners or colours.');
  const theme = applyChanges(live.content, changes).theme;
  const [problem] = newThemeProblems(live.content.theme, theme);
  if (problem) throw new ValidationError('theme_contrast', problem.message, { field: problem.token === 'primaryColor' ? 'primary_color' : 'accent_color' });
  return openEditRequest(deps, em, site, customerId, `New design: ${summarise(changes)}`, { changes });
}

/** An edit request of the site, with its preview version. */
export async function siteEditRequest(em: EntityManager, siteId: string, id: string): Promise<IEditRequest> {
  const request = await em.findOne(EditRequest, { id, site: siteId }, { populate: ['previewVersion', 'site.currentVersion'] });
  if (!request) throw new NotFoundError('edit_request_not_found', 'No such edit request');
  return request;
}

/** Asks the edit workflow (an Update with a validator); a request that is not waiting for that answer is a 409 and nothing changes. */
export async function decideEdit(
  deps: Deps,
  request: IEditRequest,
  decision: { kind: 'approve' } | { kind: 'reject'; reason: string } | { kind: 'agent_draft'; content: SiteContent; summary: string },
): Promise<SiteEditState> {
  const notOpen = () => new ConflictError('edit_request_not_open', `This edit request is ${request.status}; it cannot be ${decision.kind === 'agent_draft' ? 'redrafted' : `${decision.kind}d`} now`);
  const open = decision.kind === 'agent_draft' ? !['published', 'rejected', 'expired', 'refused'].includes(request.status) : request.status === 'awaiting_approval';
  if (!open) throw notOpen();
  if (decision.kind === 'agent_draft') {
    const [problem] = themeContrastProblems(decision.content.theme);
    if (problem) throw new ValidationError('theme_contrast', problem.message, { field: `content.theme.${problem.token}` });
  }
  return callTemporal(deps, (client) => {
    const handle = client.workflow.getHandle(workflowIds.siteEdit(request.id));
    if (decision.kind === 'approve') return handle.executeUpdate(approveEditUpdate);
    if (decision.kind === 'reject') return handle.executeUpdate(rejectEditUpdate, { args: [{ reason: decision.reason }] });
    return handle.executeUpdate(agentDraftUpdate, { args: [{ content: decision.content, summary: decision.summary }] });
  }, {
    service: 'site editing',
    failure: (error) => (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError ? notOpen() : undefined),
  });
}

/** The site's versions, newest first, as listed. */
export async function siteVersions(em: EntityManager, site: ISite): Promise<VersionDto[]> {
  const versions = await em.find(SiteVersion, { site: site.id }, { orderBy: { versionNumber: 'desc' } });
  return versions.map((v) => versionDto(v, site));
}

/** One version with its content, read afresh (e.g. right after it was published). */
export async function freshVersionView(em: EntityManager, siteId: string, number: number): Promise<VersionDto> {
  const version = await em.fork().findOneOrFail(SiteVersion, { site: siteId, versionNumber: number }, { populate: ['site'] });
  return versionDto(version, version.site, true);
}

/** The site's edit requests, newest first. */
export async function siteEditRequests(em: EntityManager, siteId: string): Promise<IEditRequest[]> {
  return em.find(EditRequest, { site: siteId }, { populate: ['previewVersion', 'site.currentVersion'], orderBy: { createdAt: 'desc' } });
}

/** Edit requests in one status, oldest first, for agents. */
export async function editRequestsInStatus(em: EntityManager, status: EditRequestStatus): Promise<EditRequestDto[]> {
  const rows = await em.find(EditRequest, { status }, { populate: ['previewVersion'], orderBy: { createdAt: 'asc' } });
  return rows.map(editRequestDto);
}

/** Any edit request, for agents. */
export async function editRequest(em: EntityManager, id: string): Promise<IEditRequest> {
  const request = await em.findOne(EditRequest, id, { populate: ['previewVersion'] });
  if (!request) throw new NotFoundError('edit_request_not_found', 'No such edit request');
  return request;
}

/** The edit request a private preview link names, with its site, business and draft. */
export async function editRequestByPreviewToken(em: EntityManager, token: string): Promise<IEditRequest | null> {
  return em.findOne(EditRequest, { previewTokenHash: hashPreviewToken(token) }, { populate: ['site', 'site.business', 'previewVersion'] });
}
