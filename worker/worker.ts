import { fileURLToPath } from 'node:url';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { sharedLocalAssistant } from '../lib/assistant/local-assistant.js';
import { OpenAiCompatibleAssistant } from '../lib/assistant/openai-assistant.js';
import type { TicketAssistant } from '../lib/assistant/ticket-assistant.js';
import { createClaimActivities } from '../activities/claims.js';
import { createCollaboratorActivities } from '../activities/collaborators.js';
import { createErasureActivities } from '../activities/erasure.js';
import { createEmailActivities } from '../activities/email.js';
import { createMailer, type Mailer } from '../lib/postmark/mailer.js';
import type { PaymentGateway } from '../lib/payments/gateway.js';
import { RecurrenteGateway } from '../lib/recurrente/client.js';
import { createPaymentLedgerActivities } from '../activities/payment-ledger.js';
import { createPaymentActivities } from '../activities/payments.js';
import { createSubscriptionActivities } from '../activities/subscriptions.js';
import { createTicketActivities } from '../activities/tickets.js';
import { createAnalyticsActivities } from '../activities/analytics.js';
import { createPhotoActivities } from '../activities/photos.js';
import { createBookingActivities } from '../activities/bookings.js';
import { createOperatorCaseActivities } from '../activities/operator-cases.js';
import type { AppConfig } from '../lib/config.js';
import { createDomainActivities } from '../activities/domains.js';
import { createDnsResolver, type DnsResolver } from '../lib/dns/resolver.js';
import { createSiteEditActivities } from '../activities/site-edits.js';
import { createTransferActivities } from '../activities/transfers.js';
import { createPreviewActivities } from '../activities/preview-batches.js';
import { createOutreachActivities } from '../activities/outreach.js';
import { createPreviewPipeline, type PreviewPipeline } from './preview-pipeline.js';
import { LocalSiteEditor } from '../lib/site-editor/local-editor.js';
import { OpenAiSiteEditor } from '../lib/site-editor/openai-editor.js';
import type { SiteEditor } from '../lib/site-editor/site-editor.js';
import { encryptedDataConverter } from '../lib/temporal/codec.js';
import type { Tracing } from '../lib/telemetry/tracing.js';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { activityOutcomeInterceptors } from './activity-outcomes.js';

/** The workflow code the worker bundles (TypeScript sources in development, compiled JavaScript in the image). */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** Everything the activities talk to. */
export interface ActivityDeps {
  config: AppConfig;
  orm: MikroORM;
  mailer: Mailer;
  gateway: PaymentGateway;
  assistant: TicketAssistant;
  dns: DnsResolver;
  siteEditor: SiteEditor;
  /** The preview generator and quality gate of generation batches. */
  preview: PreviewPipeline;
}

/** The configured ticket assistant: the embedded model, or an OpenAI-compatible API. */
export function createAssistant(assistant: AppConfig['assistant'], prices: AppConfig['pricing']): TicketAssistant {
  if (assistant.kind === 'local') return sharedLocalAssistant(prices);
  return new OpenAiCompatibleAssistant({ baseUrl: assistant.baseUrl, apiKey: assistant.apiKey, model: assistant.model, timeoutMs: assistant.timeoutMs, prices });
}

/** The configured site editor: the embedded rules, or an OpenAI-compatible API (with the assistant's connection settings). */
export function createSiteEditor(config: AppConfig): SiteEditor {
  if (config.edits.editor === 'local') return new LocalSiteEditor();
  const { baseUrl, apiKey, model, timeoutMs } = config.assistant;
  return new OpenAiSiteEditor({ baseUrl, apiKey, model, timeoutMs });
}

/** Builds the real dependencies of the activities from the configuration. */
export function createActivityDeps(config: AppConfig, orm: MikroORM): ActivityDeps {
  return {
    config, orm, mailer: createMailer(config.postmark), gateway: new RecurrenteGateway(config.recurrente), assistant: createAssistant(config.assistant, config.pricing),
    dns: createDnsResolver(config.dns), siteEditor: createSiteEditor(config), preview: createPreviewPipeline(config),
  };
}

/** All activities, built from their factories. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createEmailActivities(deps),
    ...createClaimActivities(deps),
    ...createPaymentLedgerActivities(deps),
    ...createPaymentActivities(deps),
    ...createSubscriptionActivities(deps),
    ...createTicketActivities(deps),
    ...createDomainActivities(deps),
    ...createBookingActivities(deps),
    ...createAnalyticsActivities(deps),
    ...createPhotoActivities(deps),
    ...createSiteEditActivities(deps),
    ...createOperatorCaseActivities(deps),
    ...createTransferActivities(deps),
    ...createCollaboratorActivities(deps),
    ...createErasureActivities(deps),
    ...createPreviewActivities({ ...deps, ...deps.preview }),
    ...createOutreachActivities(deps),
  };
}

/** Creates a worker on the configured task queue; tests pass a prebuilt bundle and their own queue, benches a cache size; tracing a plugin. */
export async function createWorker(
  deps: ActivityDeps,
  connection: NativeConnection,
  overrides: Partial<Pick<WorkerOptions, 'taskQueue' | 'workflowBundle' | 'activities' | 'maxCachedWorkflows' | 'plugins'>> = {},
): Promise<Worker> {
  const { workflowBundle, ...rest } = overrides;
  return Worker.create({
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    activities: createActivities(deps),
    interceptors: { activity: [activityOutcomeInterceptors] },
    dataConverter: encryptedDataConverter(deps.config.temporal.codecKeys),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...rest,
  });
}

/** The worker's tracing: workflow and activity spans joined to the trace that started or signalled the workflow. */
export function tracingPlugin(tracing: Tracing): OpenTelemetryPlugin {
  return new OpenTelemetryPlugin({ resource: tracing.resource, spanProcessor: tracing.spanProcessor });
}
