import { describe, expect, it } from 'vitest';
import { TEMPLATE_IDS } from '../../../lib/site-editor/content.js';
import { contrastRatio, newThemeProblems, textOn, themeContrastProblems } from '../../../lib/site-templates/contrast.js';
import { allPresets, PRESET_CATEGORIES, presetFor } from '../../../lib/site-templates/presets.js';

describe('the contrast check', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(textOn('#facc15')).toBe('#111827');
    expect(textOn('#1e3a8a')).toBe('#ffffff');
  });

  it('accepts a dark primary and an accent that carries white or dark text', () => {
    expect(themeContrastProblems({ primaryColor: '#1e3a8a', accentColor: '#f59e0b' })).toEqual([]);
    expect(themeContrastProblems({ primaryColor: '#1e3a8a', accentColor: '#1d4ed8' })).toEqual([]);
  });

  it('refuses a light primary and a middle-tone accent, naming each with what to do', () => {
    const problems = themeContrastProblems({ primaryColor: '#60a5fa', accentColor: '#808080' });
    expect(problems.map((p) => p.token)).toEqual(['primaryColor', 'accentColor']);
    expect(problems[0]?.message).toMatch(/^The primary colour #60a5fa is too light: .* Choose a darker primary colour\.$/);
    expect(problems[1]?.message).toMatch(/^The accent colour #808080 is a middle tone: .*4\.5:1/);
  });

  it('leaves an unchanged theme alone and checks a changed one', () => {
    const old = { primaryColor: '#60A5FA', accentColor: '#f59e0b' };
    expect(newThemeProblems(old, { primaryColor: '#60a5fa', accentColor: '#F59E0B' })).toEqual([]);
    expect(newThemeProblems(old, { ...old, accentColor: '#1d4ed8' }).map((p) => p.token)).toEqual(['primaryColor']);
  });
});

describe('design presets', () => {
  it('cover the common local businesses, by name or alias, in every template, all passing the contrast check', () => {
    expect(PRESET_CATEGORIES.length).toBeGreaterThanOrEqual(12);
    for (const { category, preset } of allPresets()) expect(themeContrastProblems(preset.theme), `${category} ${preset.template}`).toEqual([]);
    expect(presetFor('Roofing Contractor').template).toBe('bold');
    expect(presetFor(' hair   salon ').template).toBe('fresh');
    expect(presetFor('Law firm').template).toBe('classic');
    expect(presetFor('something new').theme.primaryColor).toBe('#1d4ed8');
  });

  it('keep the category colours in another template, with that template\'s fonts and corners', () => {
    const usual = presetFor('plumber');
    for (const template of TEMPLATE_IDS) {
      const preset = presetFor('plumber', template);
      expect(preset.template).toBe(template);
      expect(preset.theme.primaryColor).toBe(usual.theme.primaryColor);
    }
    expect(presetFor('plumber', 'fresh').theme).toMatchObject({ font: 'friendly', radius: 'round' });
  });
});
