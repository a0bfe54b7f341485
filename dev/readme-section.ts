/** Generated sections of the README: the text between two marker comments, rewritten from the code that owns it. */
import { readFileSync, writeFileSync } from 'node:fs';

/** The README the generators keep up to date. */
export const README_PATH = new URL('../README.md', import.meta.url);

/** A README section generated from code: its two markers and what goes between them. */
export interface ReadmeSection {
  name: string;
  start: string;
  end: string;
  render: () => string;
}

/** The README with the text between the section's markers replaced by what the section renders. */
export function withSection(readme: string, section: ReadmeSection): string {
  const start = readme.indexOf(section.start);
  const end = readme.indexOf(section.end);
  if (start < 0 || end < start) throw new Error(`README.md must hold the markers ${section.start} and ${section.end}`);
  return `${readme.slice(0, start + section.start.length)}\n\n${section.render()}\n\n${readme.slice(end)}`;
}

/** Rewrites the section in README.md and says whether anything changed. */
export function writeSection(section: ReadmeSection): void {
  const readme = readFileSync(README_PATH, 'utf8');
  const updated = withSection(readme, section);
  writeFileSync(README_PATH, updated);
  console.log(`README.md ${section.name} ${updated === readme ? 'already up to date' : 'updated'}`);
}
