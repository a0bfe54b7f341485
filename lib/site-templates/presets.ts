import type { SiteTheme, TemplateId } from '../site-editor/content.js';

/** A business category's starting design: a template and its theme tokens. */
export interface DesignPreset {
  template: TemplateId;
  theme: SiteTheme;
}

const PRESETS: Record<string, DesignPreset> = {
  plumber: { template: 'bold', theme: { primaryColor: '#1e3a8a', accentColor: '#b45309', font: 'modern', radius: 'soft' } },
  electrician: { template: 'bold', theme: { primaryColor: '#1f2937', accentColor: '#a16207', font: 'modern', radius: 'square' } },
  roofer: { template: 'bold', theme: { primaryColor: '#7c2d12', accentColor: '#1e40af', font: 'modern', radius: 'square' } },
  restaurant: { template: 'classic', theme: { primaryColor: '#7f1d1d', accentColor: '#854d0e', font: 'classic', radius: 'soft' } },
  bakery: { template: 'fresh', theme: { primaryColor: '#9a3412', accentColor: '#166534', font: 'friendly', radius: 'round' } },
  salon: { template: 'fresh', theme: { primaryColor: '#831843', accentColor: '#5b21b6', font: 'friendly', radius: 'round' } },
  dentist: { template: 'classic', theme: { primaryColor: '#0f766e', accentColor: '#1d4ed8', font: 'modern', radius: 'soft' } },
};

const FALLBACK: DesignPreset = { template: 'classic', theme: { primaryColor: '#1d4ed8', accentColor: '#047857', font: 'modern', radius: 'soft' } };

/** The preset for a business category (matched case-insensitively), or the general one. */
export function presetFor(category: string): DesignPreset {
  const preset = PRESETS[category.trim().toLowerCase()] ?? FALLBACK;
  return { template: preset.template, theme: { ...preset.theme } };
}
