import type { MikroORM } from '@mikro-orm/postgresql';
import { acceptInvitation, closeInvitation, invitationToken } from '../db/collaborators.js';
import { CollaboratorInvitation } from '../db/entities/index.js';
import type { AppConfig } from '../lib/config.js';
import type { Mailer } from '../lib/postmark/mailer.js';
import { invitationPageUrl } from '../lib/urls.js';
import { createEmailActivities } from './email.js';

/** Collaborator invitations: the emailed link, acceptance and closing, each safe to run twice. */
export function createCollaboratorActivities(deps: { orm: MikroORM; mailer: Mailer; config: AppConfig }) {
  const emails = createEmailActivities(deps);
  return {
    /** Emails the invitee the link to accept (its token derived from the invitation id, so a retry sends the same one, once). */
    async sendInvitationEmail(input: { invitationId: string }): Promise<void> {
      const invitation = await deps.orm.em.fork().findOneOrFail(CollaboratorInvitation, input.invitationId, { populate: ['site', 'invitedBy'] });
      const model = {
        inviterName: invitation.invitedBy?.fullName.slice(0, 200) ?? 'The owner',
        siteTitle: invitation.site.title.slice(0, 200),
        acceptUrl: invitationPageUrl(deps.config, invitationToken(deps.config.auth.jwtSecret, invitation.id)),
        expiresAt: invitation.expiresAt.toISOString(),
      };
      await emails.sendEmail({ idempotencyKey: `invitation:${invitation.id}`, to: invitation.email, template: 'collaborator_invitation', model });
    },
    /** Makes the invitee a collaborator and closes the invitation as accepted. */
    async acceptInvitation(input: { invitationId: string; customerId: string }): Promise<void> {
      await acceptInvitation(deps.orm.em.fork(), input.invitationId, input.customerId);
    },
    /** Closes a pending invitation as cancelled by its owner or expired. */
    async closeInvitation(input: { invitationId: string; status: 'cancelled' | 'expired'; by?: { customerId: string; name: string } }): Promise<void> {
      const actor = input.by ? { kind: 'customer' as const, id: input.by.customerId, name: input.by.name } : undefined;
      await closeInvitation(deps.orm.em.fork(), input.invitationId, input.status, actor);
    },
  };
}
