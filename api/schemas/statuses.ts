/*
 * The status vocabularies the routes' schemas enumerate, re-exported from the entities that define them, so route
 * files never import db/entities.
 */
export { EDIT_REQUEST_STATUSES } from '../../db/entities/edit-request.entity.js';
export { OPERATOR_CASE_KINDS } from '../../db/entities/operator-case.entity.js';
export { PAYMENT_KINDS, PAYMENT_STATUSES } from '../../db/entities/payment.entity.js';
export { SITE_STATUSES } from '../../db/entities/site.entity.js';
export { SUBSCRIPTION_STATUSES } from '../../db/entities/subscription.entity.js';
