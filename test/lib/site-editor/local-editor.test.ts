import { describe, expect, it } from 'vitest';
import { applyChanges, ChangeConflictError, withContact } from '../../../lib/site-editor/content.js';
import { EVALUATION_CONTENT, evaluateEditor, loadLabelledEdits } from '../../../lib/site-editor/evaluation.js';
import { LocalSiteEditor } from '../../../lib/site-editor/local-editor.js';

const editor = new LocalSiteEditor();
const propose = (request: string) => editor.proposeSync({ request, content: EVALUATION_CONTENT });

describe('embedded site editor', () => {
  it('reads a phone change and applies it to the contact block', () => {
    const proposal = propose('please change our phone number to (555) 010-2233');
    expect(proposal).toMatchObject({ kind: 'change', changes: [{ op: 'set', field: 'phone', value: '(555) 010-2233' }] });
    if (proposal.kind !== 'change') return;
    expect(applyChanges(EVALUATION_CONTENT, proposal.changes).contact?.phone).toBe('(555) 010-2233');
  });

  it('reads several changes in one request', () => {
    expect(propose('Add drain cleaning to our services; remove bathroom remodels. Make the buttons orange.')).toMatchObject({
      kind: 'change',
      changes: [{ op: 'add_service', name: 'Drain cleaning' }, { op: 'remove_service', name: 'Bathroom remodels' }, { op: 'set_color', target: 'accent', value: '#ea580c' }],
    });
  });

  it('refuses what it does not understand instead of guessing', () => {
    expect(propose('Can you add a photo gallery with pictures of our work?').kind).toBe('refused');
    expect(propose('Change our phone number to 555-0199. Also add a blog.').kind).toBe('refused');
  });

  it('meets the accuracy aims on the held-out requests', async () => {
    const result = await evaluateEditor(editor, loadLabelledEdits().filter((e) => e.split === 'test'));
    expect(result.precision).toBeGreaterThanOrEqual(0.85);
    expect(result.wrongRate).toBeLessThanOrEqual(0.05);
  });
});

describe('content changes', () => {
  it('refuses to remove a service the site does not list', () => {
    expect(() => applyChanges(EVALUATION_CONTENT, [{ op: 'remove_service', name: 'Roofing' }])).toThrow(ChangeConflictError);
  });

  it('fills the contact block from the business where the version has none', () => {
    const { contact: _contact, ...bare } = EVALUATION_CONTENT;
    expect(withContact(bare, { phone: '+1 512-555-0187', email: null, hours: { Sat: '9am–1pm' } }).contact).toEqual({ phone: '+1 512-555-0187', hours: { Sat: '9am–1pm' } });
  });
});
