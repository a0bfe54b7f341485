import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** Thrown at start-up when a setting is missing or invalid; its message names every bad setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What a setting's reader may consult besides its own value. */
export interface ReadContext {
  /** NODE_ENV=production. */
  readonly production: boolean;
  /** Whether the environment gave this variable a value, rather than leaving it to its default. */
  given(env: string): boolean;
  /** Another setting's validated value, as text. */
  text(env: string): string;
}

/** A validated value: as text (for other settings' readers and the production refusals), and read into its config value. */
interface Loaded<T> {
  readonly text: string;
  read(context: ReadContext): T;
}

/** Returns what is wrong with a validated value (the message after the variable's name), or nothing. */
type Check = (text: string) => string | undefined;

/** Like Check, but only when NODE_ENV=production; `given` says whether the environment set the variable. */
type Refusal = (text: string, given: boolean) => string | undefined;

interface SettingFields<T> {
  env: string;
  meaning: string;
  shownDefault: string;
  parse: (raw: string | undefined) => Loaded<T> | string[];
  checks: readonly Check[];
  refusals: readonly Refusal[];
}

/** One environment variable: its validation and default, its meaning, and how it becomes a config value. */
export class Setting<T> {
  constructor(private readonly fields: SettingFields<T>) {}

  /** The environment variable's name. */
  get env(): string {
    return this.fields.env;
  }

  /** The meaning column of the README's settings table. */
  get meaning(): string {
    return this.fields.meaning;
  }

  /** The default column of the README's settings table. */
  get shownDefault(): string {
    return this.fields.shownDefault;
  }

  /** The same setting with its meaning. */
  doc(meaning: string): Setting<T> {
    return new Setting({ ...this.fields, meaning });
  }

  /** The same setting, its default described in words (secrets, defaults that depend on other settings). */
  shown(shownDefault: string): Setting<T> {
    return new Setting({ ...this.fields, shownDefault });
  }

  /** The same setting with a validation its schema cannot express. */
  check(check: Check): Setting<T> {
    return new Setting({ ...this.fields, checks: [...this.fields.checks, check] });
  }

  /** The same setting, refused with NODE_ENV=production when the refusal finds a problem. */
  refuseInProduction(refusal: Refusal): Setting<T> {
    return new Setting({ ...this.fields, refusals: [...this.fields.refusals, refusal] });
  }

  /** The same setting read into another config value. */
  map<U>(read: (value: T, context: ReadContext) => U): Setting<U> {
    const { parse } = this.fields;
    return new Setting({
      ...this.fields,
      parse: (raw) => {
        const loaded = parse(raw);
        return Array.isArray(loaded) ? loaded : { text: loaded.text, read: (context) => read(loaded.read(context), context) };
      },
    });
  }

  /** Validates the environment's value (undefined: the default); the loaded value, or the error lines naming the variable. */
  load(raw: string | undefined): Loaded<T> | string[] {
    const loaded = this.fields.parse(raw);
    if (Array.isArray(loaded)) return [...new Set(loaded)].map((message) => `  ${this.env}: ${message}`);
    const problems = this.fields.checks.map((check) => check(loaded.text)).filter((p) => p !== undefined);
    return problems.length > 0 ? problems.map((message) => `  ${this.env}: ${message}`) : loaded;
  }

  /** Why NODE_ENV=production refuses this validated value, as error lines. */
  refusals(text: string, given: boolean): string[] {
    return this.fields.refusals.map((refusal) => refusal(text, given)).filter((p) => p !== undefined).map((message) => `  ${this.env}: ${message}`);
  }
}

/** Settings read together into one value, e.g. the mTLS files into one optional object. */
export class Combined<T> {
  constructor(
    readonly settings: SettingsTree,
    /** Reads the settings' values (by variable name) into the combined value. */
    readonly read: (loaded: ReadonlyMap<string, Loaded<unknown>>, context: ReadContext) => T,
  ) {}
}

/** Settings grouped by area; each leaf is one setting, or settings combined into one value. */
export interface SettingsTree {
  readonly [key: string]: Setting<unknown> | Combined<unknown> | SettingsTree;
}

/** The typed configuration a tree of settings is read into. */
export type ConfigOf<N> = N extends Setting<infer T> ? T : N extends Combined<infer T> ? T : { -readonly [K in keyof N]: ConfigOf<N[K]> };

/** Reads the settings of a group, then combines their values into one. */
export function combine<N extends SettingsTree, T>(settings: N, finish: (values: ConfigOf<N>, context: ReadContext) => T): Combined<T> {
  return new Combined(settings, (loaded, context) => finish(readTree(settings, loaded, context), context));
}

/** Documents several settings with one meaning: they share a row of the README's table. */
export function row<N extends Readonly<Record<string, Setting<unknown>>>>(meaning: string, settings: N): N {
  // Documenting a setting keeps its type, so the rebuilt record has the given one's.
  return Object.fromEntries(Object.entries(settings).map(([key, setting]) => [key, setting.doc(meaning)])) as N;
}

/** Every setting of the tree, in declaration order. */
export function settingsOf(tree: SettingsTree): Setting<unknown>[] {
  return Object.values(tree).flatMap((node) => {
    if (node instanceof Setting) return [node];
    return settingsOf(node instanceof Combined ? node.settings : node);
  });
}

function readTree<N extends SettingsTree>(tree: N, loaded: ReadonlyMap<string, Loaded<unknown>>, context: ReadContext): ConfigOf<N> {
  const entries = Object.entries(tree).map(([key, node]): [string, unknown] => {
    if (node instanceof Setting) return [key, loaded.get(node.env)?.read(context)];
    if (node instanceof Combined) return [key, node.read(loaded, context)];
    return [key, readTree(node, loaded, context)];
  });
  // The entries follow the tree's keys, and each leaf's value is what its setting reads: the shape ConfigOf<N> describes.
  return Object.fromEntries(entries) as ConfigOf<N>;
}

/** Cross-setting validation of the typed configuration: returns an error line, or nothing. */
export type Rule<C> = (config: C, context: ReadContext) => string | undefined;

function invalid(lines: string[]): ConfigError {
  return new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

function validate(settings: Setting<unknown>[], raw: (env: string) => string | undefined): Map<string, Loaded<unknown>> {
  const loaded = new Map<string, Loaded<unknown>>();
  const errors: string[] = [];
  for (const setting of settings) {
    const result = setting.load(raw(setting.env));
    if (Array.isArray(result)) errors.push(...result);
    else loaded.set(setting.env, result);
  }
  if (errors.length > 0) throw invalid(errors);
  return loaded;
}

/**
 * Validates every setting of the tree against the environment (empty values count as unset), reads the typed
 * configuration, then applies the cross-setting rules and, with NODE_ENV=production, the production refusals.
 */
export function loadSettings<N extends SettingsTree>(tree: N, rules: Rule<ConfigOf<N>>[], source: Record<string, string | undefined>): ConfigOf<N> {
  const settings = settingsOf(tree);
  const raw = (env: string): string | undefined => (source[env] === '' ? undefined : source[env]);
  const loaded = validate(settings, raw);
  const text = (env: string): string => {
    const value = loaded.get(env);
    if (!value) throw new Error(`no setting ${env} is declared`);
    return value.text;
  };
  const context: ReadContext = { production: text('NODE_ENV') === 'production', given: (env) => raw(env) !== undefined, text };
  const config = readTree(tree, loaded, context);
  const problems = rules.map((rule) => rule(config, context)).filter((p) => p !== undefined).map((message) => `  ${message}`);
  if (context.production) problems.push(...settings.flatMap((s) => s.refusals(text(s.env), context.given(s.env))));
  if (problems.length > 0) throw invalid(problems);
  return config;
}

/** The README's settings table: one row per setting, or per run of settings documented together. */
export function settingsTable(tree: SettingsTree): string {
  const rows: Setting<unknown>[][] = [];
  for (const setting of settingsOf(tree)) {
    if (setting.meaning === '') throw new Error(`setting ${setting.env} has no meaning: document it with .doc() or row()`);
    const last = rows.at(-1);
    if (last?.[0]?.meaning === setting.meaning) last.push(setting);
    else rows.push([setting]);
  }
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(['setting', 'default', 'meaning']),
    line(['---', '---', '---']),
    ...rows.map((settings) => line([
      settings.map((s) => `\`${s.env}\``).join(', '),
      [...new Set(settings.map((s) => s.shownDefault))].join(', '),
      settings[0]?.meaning ?? '',
    ])),
  ].join('\n');
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The shape of a duration: a whole number and a unit (`250ms`, `90s`, `15m`, `24h`, `7d`). */
const DURATION_PATTERN = '^[0-9]+(ms|s|m|h|d)$';

/** The shape of an absolute URL: a scheme, then `://`. */
const URL_PATTERN = '^[a-z][a-z0-9+.-]*://';

/** Parses durations such as `90s`, `24h` or `7d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new ConfigError(`invalid duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A setting validated by a TypeBox schema; without a value in the environment it takes `fallback`. */
function setting<S extends TSchema>(env: string, schema: S, fallback: Static<S>): Setting<Static<S>> {
  return new Setting({
    env,
    meaning: '',
    shownDefault: fallback === '' ? '–' : `\`${String(fallback)}\``,
    checks: [],
    refusals: [],
    parse: (raw) => {
      const value = Value.Convert(schema, raw ?? fallback);
      if (Value.Check(schema, value)) return { text: String(value), read: () => value };
      return Value.Errors(schema, value).map((e) => `${e.message} (got ${JSON.stringify(raw ?? null)})`);
    },
  });
}

/** Free text, optionally constrained by `pattern`, `minLength` or `format`. */
export function text(env: string, fallback: string, options: { pattern?: string; minLength?: number; format?: string } = {}): Setting<string> {
  return setting(env, Type.String(options), fallback);
}

/** A whole number within optional bounds. */
export function integer(env: string, fallback: number, bounds: { minimum?: number; maximum?: number } = {}): Setting<number> {
  return setting(env, Type.Integer(bounds), fallback);
}

/** A number within optional bounds. */
export function decimal(env: string, fallback: number, bounds: { minimum?: number; maximum?: number } = {}): Setting<number> {
  return setting(env, Type.Number(bounds), fallback);
}

/** A TCP/UDP port. */
export function port(env: string, fallback: number): Setting<number> {
  return integer(env, fallback, { minimum: 1, maximum: 65535 });
}

/** `true` or `false`. */
export function flag(env: string, fallback: boolean): Setting<boolean> {
  return setting(env, Type.Boolean(), fallback);
}

/** One of a few words. */
export function oneOf<const V extends string>(env: string, values: readonly V[], fallback: V): Setting<V> {
  const schema: TSchema = Type.Union(values.map((v) => Type.Literal(v)));
  return setting(env, schema, fallback).map((value) => values.find((v) => v === value) ?? fallback);
}

/** An email address. */
export function email(env: string, fallback: string): Setting<string> {
  return text(env, fallback, { format: 'email' });
}

/** A duration (`90s`, `24h`, `7d`), read in milliseconds. */
export function duration(env: string, fallback: string): Setting<number> {
  return text(env, fallback, { pattern: DURATION_PATTERN }).map(parseDuration);
}

/** An absolute URL, as given. */
export function url(env: string, fallback: string): Setting<string> {
  return text(env, fallback, { pattern: URL_PATTERN });
}

/** An absolute URL that links are built on, read without its trailing slash. */
export function baseUrl(env: string, fallback: string): Setting<string> {
  return url(env, fallback).map(withoutTrailingSlash);
}

/** An optional absolute URL that links are built on: null when unset, else without its trailing slash. */
export function optionalBaseUrl(env: string): Setting<string | null> {
  return setting(env, Type.Union([Type.String({ pattern: URL_PATTERN }), Type.Literal('')]), '').map((v) => (v === '' ? null : withoutTrailingSlash(v)));
}

function withoutTrailingSlash(text: string): string {
  return text.replace(/\/$/, '');
}

/** Comma-separated items matching `itemPattern` (none when empty, if `empty` allows it). */
export function list(env: string, fallback: string, itemPattern: string, options: { empty: boolean }): Setting<string[]> {
  const items = `${itemPattern}(,${itemPattern})*`;
  return text(env, fallback, { pattern: options.empty ? `^(${items})?$` : `^${items}$` }).map((v) => (v === '' ? [] : v.split(',')));
}

/** A secret with a development-only default that NODE_ENV=production refuses. */
export function secret(env: string, developmentValue: string, options: { minLength?: number; pattern?: string } = {}): Setting<string> {
  return text(env, developmentValue, options)
    .shown('development value')
    .refuseInProduction((value) => (value === developmentValue ? 'must be set explicitly when NODE_ENV=production' : undefined));
}
