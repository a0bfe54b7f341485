import type { EntityManager } from '@mikro-orm/postgresql';
import { operatorActor, recordAudit } from '../../db/audit-log.js';
import { Photo } from '../../db/entities/index.js';
import type { IEditRequest } from '../../db/entities/edit-request.entity.js';
import type { IOperator } from '../../db/entities/operator.entity.js';
import type { ISupportTicket } from '../../db/entities/support-ticket.entity.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { PhotoChange } from '../../lib/site-editor/content.js';
import type { ApiDeps } from '../deps.js';
import { requestPhotoChanges } from './photos.js';
import { agentTicket, recordTicketAction } from './tickets.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** Where an agent places a ticket's photo. */
export type PlacementSlot = 'logo' | 'hero' | 'gallery';

/**
 * An agent places a photo the customer attached to a ticket on the ticket's site: an edit request on the ticket
 * (the owner approves its preview as any other), recorded in the ticket's actions and in the audit log.
 */
export async function placeTicketPhoto(deps: Deps, em: EntityManager, ticketId: string, photoId: string, slot: PlacementSlot, operator: IOperator | null): Promise<IEditRequest> {
  const ticket = await agentTicket(em, ticketId);
  await em.populate(ticket, ['site.currentVersion', 'customer']);
  const photo = await em.findOne(Photo, { id: photoId, ticket: ticket.id });
  if (!photo) throw new NotFoundError('photo_not_found', 'This ticket has no such photo attached.');
  const change: PhotoChange = slot === 'gallery' ? { op: 'add_gallery_photo', photoId } : { op: 'set_photo', slot, photoId };
  const request = await requestPhotoChanges(deps, em, ticket.site, [change], { customerId: ticket.customer.id, ticketId: ticket.id });
  await recordTicketAction(em, operator, ticket.id, 'place_photo', `${slot === 'gallery' ? 'gallery' : `${slot} photo`}: photo ${photoId}, edit request ${request.id}`);
  const audit = em.fork();
  recordAudit(audit, {
    actor: operatorActor(operator), action: 'photo.placed', siteId: ticket.site.id, customerId: ticket.customer.id,
    details: { photoId, slot, ticketId: ticket.id, editRequestId: request.id, siteSlug: ticket.site.slug },
  });
  await audit.flush();
  return request;
}

/** Refuses attachments to a ticket that has ended (409). */
export function assertTicketTakesPhotos(ticket: Pick<ISupportTicket, 'status'>): void {
  if (ticket.status === 'resolved' || ticket.status === 'closed') throw new ConflictError('ticket_closed', 'This ticket is closed; open a new ticket to send photos.');
}
