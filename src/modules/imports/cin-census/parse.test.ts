import { describe, expect, it } from 'vitest';
import { type CensusChild, CensusFormatError, type CensusEvent, readCensus } from './parse.js';

const HEAD = '<Message><Header><CollectionDetails><Collection>CIN</Collection><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><LEA>916</LEA></Source></Header><Children>';
const CHILD = (id: string) =>
  `<Child><ChildIdentifiers><LAchildID>${id}</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>` +
  '<CINdetails><CINreferralDate>2023-05-15</CINreferralDate><Section47><S47ActualStartDate>2023-05-22</S47ActualStartDate><DateOfInitialCPC>2023-06-05</DateOfInitialCPC></Section47>' +
  '<ChildProtectionPlans><CPPstartDate>2023-06-05</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP><Reviews><CPPreviewDate>2023-08-30</CPPreviewDate><CPPreviewDate></CPPreviewDate></Reviews></ChildProtectionPlans></CINdetails></Child>';

async function all(chunks: string[]): Promise<CensusEvent[]> {
  const out: CensusEvent[] = [];
  for await (const ev of readCensus((async function* () { yield* chunks; })())) out.push(ev);
  return out;
}

describe('the streaming census reader', () => {
  it('yields each child as soon as it is complete, before the rest of the file is read', async () => {
    let produced = 0;
    const total = 1000;
    async function* source() {
      yield HEAD;
      for (let i = 0; i < total; i++) {
        produced++;
        yield CHILD(`C${i}`);
      }
      yield '</Children></Message>';
    }
    const seenAt: number[] = [];
    let count = 0;
    for await (const ev of readCensus(source())) {
      if (ev.type === 'child') {
        count++;
        if (count <= 3) seenAt.push(produced);
      }
    }
    expect(count).toBe(total);
    // The first children arrive while the source has produced only as far as them
    expect(seenAt).toEqual([1, 2, 3]);
  });

  it('reads a child’s episodes, S47s, plans and reviews, whatever the chunk boundaries (even mid-character)', async () => {
    const xml = `${HEAD}${CHILD('Zoë-1')}</Children></Message>`;
    const bytes = Buffer.from(xml);
    const byteChunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) byteChunks.push(bytes.subarray(i, i + 7));
    const events: CensusEvent[] = [];
    for await (const ev of readCensus((async function* () { yield* byteChunks; })())) events.push(ev);
    expect(events[0]).toEqual({ type: 'header', header: { collection: 'CIN', year: null, referenceDate: '2024-03-31', lea: '916' } });
    const child = (events[1] as { child: CensusChild }).child;
    expect(child.laChildId).toBe('Zoë-1');
    expect(child.sex).toBe('female');
    expect(child.episodes[0]!.s47s[0]).toEqual({ startDate: '2023-05-22', icpcTarget: null, icpcDate: '2023-06-05', icpcNotRequired: null });
    expect(child.episodes[0]!.plans[0]).toMatchObject({ startDate: '2023-06-05', initialCategory: 'NEG', previousPlans: 1, reviews: ['2023-08-30', null] });
  });

  it('notes values it cannot use rather than failing', async () => {
    const xml = `${HEAD}<Child><ChildIdentifiers><LAchildID>X</LAchildID><PersonBirthDate>31/12/2015</PersonBirthDate><GenderCurrent>7</GenderCurrent></ChildIdentifiers></Child></Children></Message>`;
    const child = ((await all([xml]))[1] as { child: CensusChild }).child;
    expect(child.birthDate).toBeNull();
    expect(child.problems).toEqual([
      'PersonBirthDate "31/12/2015" is not a date (YYYY-MM-DD), so it was left out',
      'GenderCurrent "7" is not a known code, so the child\'s sex is recorded as not known',
    ]);
  });

  it('a truncated file fails with the line and column where it ended', async () => {
    const err = await all([`${HEAD}\n${CHILD('A')}\n<Child><ChildIdentifiers>`]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CensusFormatError);
    expect((err as CensusFormatError).line).toBe(3);
    expect((err as Error).message).toMatch(/unclosed tag.*\(line 3, column \d+\)$/);
  });
});
