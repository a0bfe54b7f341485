import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The site's slug, so an operator can find its workflows in the Temporal UI. */
export const SITE_SLUG = defineSearchAttributeKey('SiteSlug', SearchAttributeType.KEYWORD);
/** The SHA-256 (hex) of the customer's lower-cased email (lib/search-key.ts), never the address itself. */
export const CUSTOMER_EMAIL = defineSearchAttributeKey('CustomerEmail', SearchAttributeType.KEYWORD);
/** The business state of the process (e.g. awaiting_payment, owned, past_due). */
export const BUSINESS_STATUS = defineSearchAttributeKey('BusinessStatus', SearchAttributeType.KEYWORD);

/** A support ticket's triage category. */
export const TICKET_CATEGORY = defineSearchAttributeKey('TicketCategory', SearchAttributeType.KEYWORD);

/** A generation batch's name, as the operator gave it at import. */
export const PREVIEW_BATCH = defineSearchAttributeKey('PreviewBatch', SearchAttributeType.KEYWORD);

/** Every custom search attribute the workflows set; servers must register them. */
export const SEARCH_ATTRIBUTES = [SITE_SLUG, CUSTOMER_EMAIL, BUSINESS_STATUS, TICKET_CATEGORY, PREVIEW_BATCH];

/** The same list as `--search-attribute Name=Keyword` flags for the Temporal CLI dev server. */
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
