import { useState } from 'preact/hooks';
import type { EditRequestDto, VersionDto } from '../../schemas/answers.js';
import type { CornerRadius, FontPairing, SiteContent, TemplateId } from '../../../lib/site-editor/content.js';
import { themeContrastProblems } from '../../../lib/site-templates/contrast.js';
import { ownerCall } from './api.js';
import type { OwnedSite } from './account.js';
import { navigate } from './router.js';
import { fieldError, FormError, Notice, onSubmit, useAction, useLoad } from './ui.js';

const TEMPLATES: Record<TemplateId, string> = {
  classic: 'Classic — a centred header, calm sections and a visit block',
  bold: 'Bold — a big headline, numbered service tiles and strong calls to action',
  fresh: 'Fresh — a light header with section links and soft cards',
};
const FONTS: Record<FontPairing, string> = { modern: 'Modern (clean sans-serif)', classic: 'Classic (serif headings)', friendly: 'Friendly (rounded headings)' };
const CORNERS: Record<CornerRadius, string> = { square: 'Square', soft: 'Slightly rounded', round: 'Round' };
const DEFAULTS: Record<TemplateId, { font: FontPairing; radius: CornerRadius }> = {
  classic: { font: 'classic', radius: 'soft' }, bold: { font: 'modern', radius: 'square' }, fresh: { font: 'friendly', radius: 'round' },
};

/** The live version's content (or none), for the design picker's starting values. */
export async function liveContent(siteId: string): Promise<{ content: SiteContent | null }> {
  const { versions } = await ownerCall<{ versions: VersionDto[] }>('GET', `/customer/sites/${siteId}/versions`);
  const live = versions.find((v) => v.live);
  if (!live) return { content: null };
  const version = await ownerCall<VersionDto>('GET', `/customer/sites/${siteId}/versions/${live.number}`);
  return { content: (version.content) ?? null };
}

/** The owner's template and theme picker: it asks for the change like any edit (private preview, approval, rollback). */
export function DesignForm(props: { site: OwnedSite }) {
  const content = useLoad(() => liveContent(props.site.site_id), [props.site.site_id]);
  return (
    <section aria-labelledby="design-heading" class="card">
      <h2 id="design-heading">Template and colours</h2>
      {content.error && <Notice kind="error">{content.error.message}</Notice>}
      {content.data?.content === null && <p>Your site has no published version yet.</p>}
      {content.data?.content && <DesignChoices site={props.site} content={content.data.content} />}
    </section>
  );
}

function DesignChoices(props: { site: OwnedSite; content: SiteContent }) {
  const { theme } = props.content;
  const current = props.content.template ?? 'classic';
  const [template, setTemplate] = useState<TemplateId>(current);
  const [font, setFont] = useState<FontPairing>(theme.font ?? DEFAULTS[current].font);
  const [radius, setRadius] = useState<CornerRadius>(theme.radius ?? DEFAULTS[current].radius);
  const [primary, setPrimary] = useState(theme.primaryColor);
  const [accent, setAccent] = useState(theme.accentColor);
  const action = useAction();
  const problems = themeContrastProblems({ primaryColor: primary, accentColor: accent });
  const problem = (token: 'primaryColor' | 'accentColor') => problems.find((p) => p.token === token)?.message ?? fieldError(action.error, token === 'primaryColor' ? 'primary_color' : 'accent_color');
  const submit = () => action.run(async () => {
    const created = await ownerCall<EditRequestDto>('POST', `/customer/sites/${props.site.site_id}/design-requests`, { template, font, radius, primary_color: primary, accent_color: accent });
    navigate(`/account/edits/${created.id}?site_id=${props.site.site_id}`);
  });
  const colour = (id: string, label: string, value: string, set: (v: string) => void, error: string | undefined) => (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
      <input type="color" id={id} name={id} value={value} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onInput={(event) => set((event.currentTarget).value)} />
    </div>
  );
  return (
    <form onSubmit={onSubmit(submit)}>
      <p class="hint">We prepare a private preview of the new design; nothing changes on your site until you approve it, and you can roll back later.</p>
      {action.error && (action.error.code === 'subscription_inactive'
        ? <Notice kind="error">{action.error.message}. Changes need an active subscription: <a href={`/account/subscription?site_id=${props.site.site_id}`}>go to billing</a> to start or renew it.</Notice>
        : <FormError error={action.error} fields={['primary_color', 'accent_color']} />)}
      <fieldset>
        <legend>Template</legend>
        {(Object.keys(TEMPLATES) as TemplateId[]).map((id) => (
          <label key={id} class="choice"><input type="radio" name="template" value={id} checked={template === id} onChange={() => setTemplate(id)} /> {TEMPLATES[id]}</label>
        ))}
      </fieldset>
      <div class="field"><label for="design-font">Fonts</label>
        <select id="design-font" value={font} onChange={(event) => setFont((event.currentTarget).value as FontPairing)}>
          {(Object.keys(FONTS) as FontPairing[]).map((id) => <option key={id} value={id}>{FONTS[id]}</option>)}
        </select></div>
      <div class="field"><label for="design-radius">Corners</label>
        <select id="design-radius" value={radius} onChange={(event) => setRadius((event.currentTarget).value as CornerRadius)}>
          {(Object.keys(CORNERS) as CornerRadius[]).map((id) => <option key={id} value={id}>{CORNERS[id]}</option>)}
        </select></div>
      {colour('design-primary', 'Main colour (header, links and headings)', primary, setPrimary, problem('primaryColor'))}
      {colour('design-accent', 'Button colour', accent, setAccent, problem('accentColor'))}
      <button type="submit" disabled={action.busy || problems.length > 0}>Preview this design</button>
    </form>
  );
}
