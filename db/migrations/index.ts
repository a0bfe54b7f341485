import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180015_initial } from './Migration20261123180015_initial.js';
import { Migration20261123183501_ticket_close_reason } from './Migration20261123183501_ticket_close_reason.js';
import { Migration20261128062713_webhook_inbox } from './Migration20261128062713_webhook_inbox.js';
import { Migration20261128062803_analytics } from './Migration20261128062803_analytics.js';
import { Migration20261128062847_hosting_domains } from './Migration20261128062847_hosting_domains.js';
import { Migration20261128062925_security_limits } from './Migration20261128062925_security_limits.js';
import { Migration20261128063335_portal_operators } from './Migration20261128063335_portal_operators.js';
import { Migration20261128063718_site_edits } from './Migration20261128063718_site_edits.js';
import { Migration20261128064145_money_invariants } from './Migration20261128064145_money_invariants.js';
import { Migration20261128095218_operator_case_resolver } from './Migration20261128095218_operator_case_resolver.js';
import { Migration20261128095357_analytics_daily_dimensions } from './Migration20261128095357_analytics_daily_dimensions.js';
import { Migration20261128095421_one_open_claim_per_site } from './Migration20261128095421_one_open_claim_per_site.js';
import { Migration20261128100000_subscription_view } from './Migration20261128100000_subscription_view.js';
import { Migration20261206133500_audit_log } from './Migration20261206133500_audit_log.js';
import { Migration20261206133855_report_rollups } from './Migration20261206133855_report_rollups.js';
import { Migration20261206134210_site_transfer_links } from './Migration20261206134210_site_transfer_links.js';
import { Migration20261206134412_purchase_hold_privacy } from './Migration20261206134412_purchase_hold_privacy.js';
import { Migration20261206134512_collaborators_privacy } from './Migration20261206134512_collaborators_privacy.js';
import { Migration20261206134512_work_queue } from './Migration20261206134512_work_queue.js';
import { Migration20261206143000_webhook_trace_parent } from './Migration20261206143000_webhook_trace_parent.js';
import { Migration20261206171349_photos } from './Migration20261206171349_photos.js';

/** Every migration in order; a new migration is added here after it is generated. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123180015_initial', class: Migration20261123180015_initial },
  { name: 'Migration20261123183501_ticket_close_reason', class: Migration20261123183501_ticket_close_reason },
  { name: 'Migration20261128062713_webhook_inbox', class: Migration20261128062713_webhook_inbox },
  { name: 'Migration20261128062803_analytics', class: Migration20261128062803_analytics },
  { name: 'Migration20261128062847_hosting_domains', class: Migration20261128062847_hosting_domains },
  { name: 'Migration20261128062925_security_limits', class: Migration20261128062925_security_limits },
  { name: 'Migration20261128063335_portal_operators', class: Migration20261128063335_portal_operators },
  { name: 'Migration20261128063718_site_edits', class: Migration20261128063718_site_edits },
  { name: 'Migration20261128064145_money_invariants', class: Migration20261128064145_money_invariants },
  { name: 'Migration20261128095218_operator_case_resolver', class: Migration20261128095218_operator_case_resolver },
  { name: 'Migration20261128095357_analytics_daily_dimensions', class: Migration20261128095357_analytics_daily_dimensions },
  { name: 'Migration20261128095421_one_open_claim_per_site', class: Migration20261128095421_one_open_claim_per_site },
  { name: 'Migration20261128100000_subscription_view', class: Migration20261128100000_subscription_view },
  { name: 'Migration20261206133500_audit_log', class: Migration20261206133500_audit_log },
  { name: 'Migration20261206133855_report_rollups', class: Migration20261206133855_report_rollups },
  { name: 'Migration20261206134210_site_transfer_links', class: Migration20261206134210_site_transfer_links },
  { name: 'Migration20261206134412_purchase_hold_privacy', class: Migration20261206134412_purchase_hold_privacy },
  { name: 'Migration20261206134512_collaborators_privacy', class: Migration20261206134512_collaborators_privacy },
  { name: 'Migration20261206134512_work_queue', class: Migration20261206134512_work_queue },
  { name: 'Migration20261206143000_webhook_trace_parent', class: Migration20261206143000_webhook_trace_parent },
  { name: 'Migration20261206171349_photos', class: Migration20261206171349_photos },
];
