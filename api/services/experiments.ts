import type { EntityManager } from '@mikro-orm/postgresql';
import { Experiment } from '../../db/entities/index.js';
import { countInWindow } from '../../db/rate-limits.js';
import type { ExperimentVariant, IExperiment } from '../../db/entities/experiment.entity.js';
import { assignVariant, experimentResults } from '../../lib/analytics/statistics.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { ServedVariant } from '../schemas/analytics.js';
import type { CollectSite } from './analytics.js';

/** How many new exposures one client address may start per window (`EXPERIMENT_MAX_EXPOSURES_PER_CLIENT`), under its counter key. */
export interface ExposureLimit {
  key: string;
  max: number;
  windowMs: number;
}

/** The experiment serving each slot of the site: a running one wins over a stopped one that still serves its winner. */
async function experimentsBySlot(em: EntityManager, site: CollectSite): Promise<IExperiment[]> {
  const experiments = await em.find(Experiment, {
    status: { $in: ['running', 'stopped'] },
    $or: site.status === 'preview' ? [{ site: site.id }, { site: null }] : [{ site: site.id }],
  }, { orderBy: { createdAt: 'asc' } });
  const bySlot = new Map<string, IExperiment>();
  for (const experiment of experiments) {
    const current = bySlot.get(experiment.slot);
    if (!current || (current.status === 'stopped' && experiment.status === 'running')) bySlot.set(experiment.slot, experiment);
  }
  return [...bySlot.values()];
}

/**
 * Whether this visitor may be put into the running experiments: yes when they already are (assignments are
 * sticky), otherwise while their client address has started fewer than `limit.max` exposures this window. One
 * address cannot mint visitor after visitor (a new user agent each time) until it draws the variant it wants.
 */
async function mayExpose(em: EntityManager, running: IExperiment[], visitorId: string, limit: ExposureLimit): Promise<boolean> {
  const held = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from experiment_assignments where visitor_id = ? and experiment_id in (?)`, [visitorId, running.map((e) => e.id)],
  );
  if ((held[0]?.n ?? 0) === running.length) return true;
  return (await countInWindow(em, limit.key, limit.windowMs)).count <= limit.max;
}

/**
 * What a visitor sees in each A/B slot of a site: for each running experiment of the site (and each platform-wide one
 * on a preview) the hashed assignment, recorded as an exposure; a stopped experiment serves its winner (or control) to
 * everyone. Opted-out visitors and bots (no visitor id), and visitors from an address past its exposure limit, get
 * control and nothing is recorded. The answer names no experiment or variant.
 */
export async function servedVariants(em: EntityManager, site: CollectSite, visitorId: string | null, limit: ExposureLimit): Promise<ServedVariant[]> {
  const experiments = await experimentsBySlot(em, site);
  const running = experiments.filter((e) => e.status === 'running');
  const exposed = visitorId !== null && running.length > 0 && await mayExpose(em, running, visitorId, limit);
  const served: ServedVariant[] = [];
  const exposures: { experiment_id: string; visitor_id: string; variant: string }[] = [];
  for (const experiment of experiments) {
    const control = experiment.variants[0]!;
    let variant: ExperimentVariant = control;
    if (experiment.status === 'stopped') {
      variant = experiment.variants.find((v) => v.name === experiment.winner) ?? control;
    } else if (exposed) {
      variant = experiment.variants[assignVariant(experiment.id, visitorId, experiment.variants.map((v) => v.weight))]!;
      exposures.push({ experiment_id: experiment.id, visitor_id: visitorId, variant: variant.name });
    }
    served.push({ slot: experiment.slot, content: variant.content });
  }
  if (exposures.length > 0) {
    await em.execute(
      `insert into experiment_assignments (id, experiment_id, visitor_id, variant, created_at)
       select gen_random_uuid(), experiment_id, visitor_id, variant, now() from jsonb_to_recordset(?::jsonb) as x(experiment_id uuid, visitor_id text, variant text)
       on conflict (experiment_id, visitor_id) do nothing`,
      [JSON.stringify(exposures)],
    );
  }
  return served;
}

/** An experiment with its results, as the admin API answers it. */
export async function experimentWithResults(em: EntityManager, id: string) {
  const experiment = await em.findOne(Experiment, id);
  if (!experiment) throw new NotFoundError('experiment_not_found', 'No such experiment');
  const counts = await em.execute<{ variant: string; exposures: number; conversions: number }[]>(
    `select variant, count(*)::int as exposures, count(converted_at)::int as conversions from experiment_assignments where experiment_id = ? group by variant`,
    [id],
  );
  const byName = new Map(counts.map((c) => [c.variant, c]));
  const results = experimentResults(experiment.variants.map((v) => ({ name: v.name, weight: v.weight, exposures: byName.get(v.name)?.exposures ?? 0, conversions: byName.get(v.name)?.conversions ?? 0 })));
  return { experiment, results };
}

/** Starts a draft experiment; a running one stays running. */
export async function startExperiment(em: EntityManager, id: string): Promise<void> {
  const experiment = await em.findOne(Experiment, id);
  if (!experiment) throw new NotFoundError('experiment_not_found', 'No such experiment');
  if (experiment.status === 'stopped') throw new ConflictError('experiment_stopped', 'A stopped experiment cannot be restarted; create a new one');
  if (experiment.status === 'draft') Object.assign(experiment, { status: 'running', startedAt: new Date() });
  await em.flush();
}

/** Stops an experiment; it then serves `winner` (a variant name) or, without one, its control. */
export async function stopExperiment(em: EntityManager, id: string, winner: string | null): Promise<void> {
  const experiment = await em.findOne(Experiment, id);
  if (!experiment) throw new NotFoundError('experiment_not_found', 'No such experiment');
  if (winner !== null && !experiment.variants.some((v) => v.name === winner)) {
    throw new ValidationError('unknown_variant', `"${winner}" is not a variant of this experiment`);
  }
  if (experiment.status !== 'stopped') Object.assign(experiment, { status: 'stopped', stoppedAt: new Date(), winner });
  await em.flush();
}

/** Experiments stopped in [from, to), for the A/B win rate. */
export async function stoppedExperiments(em: EntityManager, from: Date, to: Date): Promise<IExperiment[]> {
  return em.find(Experiment, { status: 'stopped', stoppedAt: { $gte: from, $lt: to } });
}

/** The ids of the newest experiments (at most 200), newest first. */
export async function recentExperimentIds(em: EntityManager): Promise<string[]> {
  return (await em.find(Experiment, {}, { orderBy: { createdAt: 'desc' }, limit: 200 })).map((e) => e.id);
}

/** Creates a draft experiment; its key must be new for its site (or for all previews when site is null). */
export async function createExperiment(em: EntityManager, input: Pick<IExperiment, 'key' | 'slot' | 'goal' | 'variants'> & { siteId: string | null }): Promise<string> {
  if (await em.count(Experiment, { key: input.key, site: input.siteId })) throw new ValidationError('experiment_exists', `An experiment "${input.key}" already exists there`);
  const experiment = em.create(Experiment, { key: input.key, site: input.siteId, slot: input.slot, goal: input.goal, variants: input.variants, status: 'draft' });
  await em.flush();
  return experiment.id;
}
