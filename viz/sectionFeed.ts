/**
 * Sections as they become ready: the viz server hands each one to the page the moment it is
 * built, so the check results show while the proofs and experiments are still running.
 */
import { SECTION_TITLES, type Section, type SectionId } from './section.ts';

export interface SectionFeed {
  /** The sections this feed will deliver, in page order. */
  readonly ids: readonly SectionId[];
  /** Resolves once that section is ready. Never rejects: a failure arrives as an unavailable section. */
  section(id: SectionId): Promise<Section>;
}

/** A feed whose sections are filled in one by one ({@link deliver}), or all at once on failure ({@link fail}). */
export class PendingSections implements SectionFeed {
  private readonly waiting = new Map<SectionId, { promise: Promise<Section>; resolve: (s: Section) => void; done: boolean }>();

  constructor(readonly ids: readonly SectionId[]) {
    for (const id of ids) {
      let resolve!: (s: Section) => void;
      const promise = new Promise<Section>((r) => (resolve = r));
      this.waiting.set(id, { promise, resolve, done: false });
    }
  }

  section(id: SectionId): Promise<Section> {
    const entry = this.waiting.get(id);
    if (entry === undefined) throw new RangeError(`this feed has no section ${JSON.stringify(id)}; it has ${this.ids.join(', ')}`);
    return entry.promise;
  }

  /** Fills in a section; a second delivery of the same id is ignored. */
  deliver(section: Section): void {
    const entry = this.waiting.get(section.id as SectionId);
    if (entry === undefined || entry.done) return;
    entry.done = true;
    entry.resolve(section);
  }

  /** Marks every section not yet delivered as unavailable for `reason`. */
  fail(reason: string): void {
    for (const id of this.ids) this.deliver({ id, title: SECTION_TITLES[id], status: 'unavailable', reason });
  }

  /** Whether every section has arrived. */
  get complete(): boolean {
    return [...this.waiting.values()].every((e) => e.done);
  }
}

/** A feed of sections already built (tests, the bench). */
export function feedOf(sections: readonly Section[]): SectionFeed {
  const feed = new PendingSections(sections.map((s) => s.id as SectionId));
  sections.forEach((s) => feed.deliver(s));
  return feed;
}

/** Waits for every section of a feed, in page order. */
export function allSections(feed: SectionFeed): Promise<Section[]> {
  return Promise.all(feed.ids.map((id) => feed.section(id)));
}
