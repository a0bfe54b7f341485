import { ERASURE_FAILURES, type AccountErasureState, type ErasureStage, type ErasureUndoer } from './contract.js';

/** The decisions of one erasure, no I/O: an undo is taken only while the window is open, never once erasing began. */
export class ErasureProgress {
  private stage: ErasureStage = 'pending';
  private undoer: ErasureUndoer | null = null;
  private summary: Record<string, number> | null = null;

  /** Whether someone asked to undo it. */
  get undoRequested(): boolean {
    return this.undoer !== null;
  }

  /** Whether the erasure ended (undone or done); the undo update answers then. */
  get ended(): boolean {
    return this.stage === 'cancelled' || this.stage === 'completed';
  }

  /** Why an undo cannot be taken now, or null. */
  undoRefusal(): { type: string; message: string } | null {
    if (this.stage === 'pending' && !this.undoer) return null;
    return { type: ERASURE_FAILURES.notPending, message: this.stage === 'pending' ? 'the erasure is being undone' : `the erasure is ${this.stage}` };
  }

  /** Takes an undo. */
  undo(by: ErasureUndoer): void {
    this.undoer = by;
  }

  /** Who undid it; throws when nobody did. */
  takeUndoer(): ErasureUndoer {
    if (!this.undoer) throw new Error('no undo to take');
    return this.undoer;
  }

  /** The window closed: from now on the erasure cannot be undone. */
  startErasing(): void {
    this.stage = 'erasing';
  }

  /** The erasure ended so. */
  end(stage: 'cancelled' | 'completed', summary: Record<string, number> | null = null): void {
    this.stage = stage;
    this.summary = summary;
  }

  /** What the query and the update answer. */
  state(): AccountErasureState {
    return { stage: this.stage, summary: this.summary };
  }
}
