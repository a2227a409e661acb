/**
 * A streaming reader of the DfE children in need (CIN) census XML. It reads the file in chunks and
 * yields the header, then one child at a time with its CINdetails episodes, so memory does not grow
 * with the file. It tolerates what real files do (GenderCurrent or Sex, empty elements, stray text,
 * several CINdetails per child, ExpectedPersonBirthDate) and refuses, with where it broke, anything
 * that is not well-formed XML or not a CIN census Message.
 */
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';

export type Sex = 'male' | 'female' | 'not-known' | 'not-specified';

export interface CensusHeader {
  collection: string | null;
  year: string | null;
  /** The census year end (ReferenceDate), e.g. 2024-03-31. */
  referenceDate: string | null;
  /** Header/Source/LEA: the local authority code. */
  lea: string | null;
}

export interface CensusS47 {
  startDate: string | null;
  icpcTarget: string | null;
  icpcDate: string | null;
  icpcNotRequired: boolean | null;
}

export interface CensusPlan {
  startDate: string | null;
  endDate: string | null;
  initialCategory: string | null;
  latestCategory: string | null;
  /** NumberOfPreviousCPP; null when absent or not a whole number. */
  previousPlans: number | null;
  /** One entry per review record; null where the record has no date. */
  reviews: (string | null)[];
}

export interface CinEpisode {
  referralDate: string | null;
  referralSource: string | null;
  primaryNeed: string | null;
  closureDate: string | null;
  reasonForClosure: string | null;
  /** DateOfInitialCPC at the CINdetails level. */
  icpcDate: string | null;
  referralNfa: boolean | null;
  cinPlans: { startDate: string | null; endDate: string | null }[];
  s47s: CensusS47[];
  plans: CensusPlan[];
}

export interface CensusChild {
  laChildId: string | null;
  upn: string | null;
  birthDate: string | null;
  expectedBirthDate: string | null;
  sex: Sex;
  deathDate: string | null;
  ethnicity: string | null;
  disabilities: string[];
  episodes: CinEpisode[];
  /** The line of the file where the child starts, for messages. */
  line: number;
  /** Values the reader could not use (e.g. a date that is not a date), in plain English. */
  problems: string[];
}

export type CensusEvent = { type: 'header'; header: CensusHeader } | { type: 'child'; child: CensusChild };

/** The file is not a CIN census, or not well-formed XML; `line`/`column` say where it broke. */
export class CensusFormatError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
    this.name = 'CensusFormatError';
  }
}

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number | null;
}

const SEX_CODES: Record<string, Sex> = {
  '0': 'not-known',
  '1': 'male',
  '2': 'female',
  '9': 'not-specified',
  M: 'male',
  F: 'female',
  U: 'not-known',
  N: 'not-known',
};

function bool(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (s === '1' || s === 'true' || s === 'yes' || s === 'y') return true;
  if (s === '0' || s === 'false' || s === 'no' || s === 'n') return false;
  return null;
}

function validIso(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const newEpisode = (): CinEpisode => ({
  referralDate: null,
  referralSource: null,
  primaryNeed: null,
  closureDate: null,
  reasonForClosure: null,
  icpcDate: null,
  referralNfa: null,
  cinPlans: [],
  s47s: [],
  plans: [],
});

/**
 * Reads census events from text chunks. The generator pulls one chunk at a time and yields the
 * children completed in it, so at most one chunk and one child are held.
 */
export async function* readCensus(chunks: AsyncIterable<string | Buffer>, onProgress?: (bytes: number) => void): AsyncGenerator<CensusEvent> {
  const parser = new SaxesParser({ position: true });
  const queue: CensusEvent[] = [];
  const state: { failure: CensusFormatError | null } = { failure: null };
  const stack: string[] = [];
  let text = '';
  let header: CensusHeader | null = null;
  let headerSent = false;
  let sawRoot = false;
  let child: CensusChild | null = null;
  let episode: CinEpisode | null = null;
  let s47: CensusS47 | null = null;
  let plan: CensusPlan | null = null;
  let cinPlan: { startDate: string | null; endDate: string | null } | null = null;
  let reviewsOpen = false;
  let reviewDatesInReviews = 0;

  const fail = (message: string) => {
    state.failure ??= new CensusFormatError(`${message} (line ${parser.line}, column ${parser.column})`, parser.line, parser.column);
  };
  const sendHeader = () => {
    if (headerSent) return;
    headerSent = true;
    const h = header ?? { collection: null, year: null, referenceDate: null, lea: null };
    if (h.collection !== null && h.collection.toUpperCase() !== 'CIN') {
      fail(`This is not a CIN census file: its Header/CollectionDetails/Collection is "${h.collection}", not "CIN"`);
      return;
    }
    if (header === null) {
      fail('This is not a CIN census file: the <Message> has no <Header> before its <Children>');
      return;
    }
    queue.push({ type: 'header', header: h });
  };
  const date = (field: string, raw: string): string | null => {
    const v = raw.trim();
    if (v === '') return null;
    const d = v.length > 10 && /^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : v;
    if (validIso(d)) return d;
    child?.problems.push(`${field} "${v}" is not a date (YYYY-MM-DD), so it was left out`);
    return null;
  };

  parser.on('error', (err) => {
    const what = err.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const open = stack[stack.length - 1];
    fail(`The file is not well-formed XML: ${what}${/close tag|unclosed/.test(what) && open ? ` (inside <${open}>)` : ''}`);
  });
  parser.on('opentag', (tag) => {
    const name = tag.name;
    if (stack.length === 0) {
      if (name !== 'Message') {
        fail(`This is not a CIN census file: its root element is <${name}>, not <Message>`);
      }
      sawRoot = true;
    }
    stack.push(name);
    text = '';
    if (state.failure) return;
    const parent = stack[stack.length - 2];
    switch (name) {
      case 'Header':
        header = { collection: null, year: null, referenceDate: null, lea: null };
        break;
      case 'Children':
        if (parent === 'Message') sendHeader();
        break;
      case 'Child':
        if (parent === 'Children') {
          child = {
            laChildId: null,
            upn: null,
            birthDate: null,
            expectedBirthDate: null,
            sex: 'not-known',
            deathDate: null,
            ethnicity: null,
            disabilities: [],
            episodes: [],
            line: parser.line,
            problems: [],
          };
        }
        break;
      case 'CINdetails':
        if (child) {
          episode = newEpisode();
          child.episodes.push(episode);
        }
        break;
      case 'Section47':
        if (episode) {
          s47 = { startDate: null, icpcTarget: null, icpcDate: null, icpcNotRequired: null };
          episode.s47s.push(s47);
        }
        break;
      case 'ChildProtectionPlans':
        if (episode) {
          plan = { startDate: null, endDate: null, initialCategory: null, latestCategory: null, previousPlans: null, reviews: [] };
          episode.plans.push(plan);
        }
        break;
      case 'CINPlanDates':
        if (episode) {
          cinPlan = { startDate: null, endDate: null };
          episode.cinPlans.push(cinPlan);
        }
        break;
      case 'Reviews':
        reviewsOpen = true;
        reviewDatesInReviews = 0;
        break;
    }
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const name = tag.name;
    const value = text.trim();
    text = '';
    stack.pop();
    if (state.failure) return;
    const parent = stack[stack.length - 1];
    const inHeader = stack.includes('Header');
    if (inHeader && header) {
      if (name === 'Collection') header.collection = value || null;
      else if (name === 'Year') header.year = value || null;
      else if (name === 'ReferenceDate') header.referenceDate = validIso(value) ? value : null;
      else if (name === 'LEA') header.lea = value || null;
      return;
    }
    if (name === 'Child' && child) {
      if (!headerSent) sendHeader();
      queue.push({ type: 'child', child });
      child = null;
      return;
    }
    if (!child) return;
    switch (parent) {
      case 'ChildIdentifiers':
        if (name === 'LAchildID') child.laChildId = value || null;
        else if (name === 'UPN') child.upn = value || null;
        else if (name === 'PersonBirthDate') child.birthDate = date(name, value);
        else if (name === 'ExpectedPersonBirthDate') child.expectedBirthDate = date(name, value);
        else if (name === 'PersonDeathDate') child.deathDate = date(name, value);
        else if ((name === 'GenderCurrent' || name === 'Sex') && value) {
          const sex = SEX_CODES[value.toUpperCase()];
          if (sex) child.sex = sex;
          else child.problems.push(`${name} "${value}" is not a known code, so the child's sex is recorded as not known`);
        }
        return;
      case 'ChildCharacteristics':
        if (name === 'Ethnicity') child.ethnicity = value || null;
        return;
      case 'Disabilities':
        if (name === 'Disability' && value) child.disabilities.push(value);
        return;
      case 'CINdetails':
        if (!episode) return;
        if (name === 'CINreferralDate') episode.referralDate = date(name, value);
        else if (name === 'ReferralSource') episode.referralSource = value || null;
        else if (name === 'PrimaryNeedCode') episode.primaryNeed = value || null;
        else if (name === 'CINclosureDate') episode.closureDate = date(name, value);
        else if (name === 'ReasonForClosure') episode.reasonForClosure = value || null;
        else if (name === 'DateOfInitialCPC') episode.icpcDate = date(name, value);
        else if (name === 'ReferralNFA') episode.referralNfa = value ? bool(value) : null;
        else if (name === 'Section47') s47 = null;
        else if (name === 'ChildProtectionPlans') plan = null;
        else if (name === 'CINPlanDates') cinPlan = null;
        return;
      case 'Child':
        if (name === 'CINdetails') episode = null;
        return;
      case 'Section47':
        if (!s47) return;
        if (name === 'S47ActualStartDate') s47.startDate = date(name, value);
        else if (name === 'InitialCPCtarget') s47.icpcTarget = date(name, value);
        else if (name === 'DateOfInitialCPC') s47.icpcDate = date(name, value);
        else if (name === 'ICPCnotRequired') s47.icpcNotRequired = value ? bool(value) : null;
        return;
      case 'CINPlanDates':
        if (!cinPlan) return;
        if (name === 'CINPlanStartDate') cinPlan.startDate = date(name, value);
        else if (name === 'CINPlanEndDate') cinPlan.endDate = date(name, value);
        return;
      case 'ChildProtectionPlans':
        if (!plan) return;
        if (name === 'CPPstartDate') plan.startDate = date(name, value);
        else if (name === 'CPPendDate') plan.endDate = date(name, value);
        else if (name === 'InitialCategoryOfAbuse') plan.initialCategory = value || null;
        else if (name === 'LatestCategoryOfAbuse') plan.latestCategory = value || null;
        else if (name === 'NumberOfPreviousCPP') plan.previousPlans = /^\d+$/.test(value) ? Number(value) : null;
        else if (name === 'Reviews' && reviewsOpen) {
          // A review record with no date is still a review (rule 8842Q reports it)
          if (reviewDatesInReviews === 0) plan.reviews.push(null);
          reviewsOpen = false;
        }
        return;
      case 'Reviews':
        if (plan && name === 'CPPreviewDate') {
          plan.reviews.push(date(name, value));
          reviewDatesInReviews++;
        }
        return;
    }
  });

  let bytes = 0;
  const decoder = new StringDecoder('utf8');
  let started = false;
  for await (const chunk of chunks) {
    const s = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (!started) {
      // Anything but markup first is not XML at all: say so where it starts, not where saxes notices
      const at = s.replace(/^\uFEFF/, '').search(/\S/);
      if (at >= 0) {
        started = true;
        const body = s.replace(/^\uFEFF/, '');
        if (body[at] !== '<') {
          const before = body.slice(0, at).split('\n');
          const line = before.length;
          const column = before[before.length - 1]!.length + 1;
          throw new CensusFormatError(`This is not a CIN census file: it is not XML, it starts with text (line ${line}, column ${column})`, line, column);
        }
      }
    }
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    parser.write(s);
    if (state.failure) throw state.failure;
    onProgress?.(bytes);
    while (queue.length) yield queue.shift()!;
  }
  parser.write(decoder.end());
  if (!sawRoot && !state.failure) throw new CensusFormatError('This is not a CIN census file: it is empty, with no <Message> element (line 1, column 1)', 1, 1);
  parser.close();
  if (state.failure) throw state.failure;
  if (!headerSent) sendHeader();
  if (state.failure) throw state.failure;
  while (queue.length) yield queue.shift()!;
}

/** Reads a census file from disk in 64 KiB chunks. */
export function readCensusFile(filePath: string, onProgress?: (p: ReadProgress) => void): AsyncGenerator<CensusEvent> {
  const totalBytes = statSync(filePath).size;
  const stream = createReadStream(filePath, { highWaterMark: 64 * 1024 });
  return readCensus(stream as AsyncIterable<Buffer>, onProgress ? (bytesRead) => onProgress({ bytesRead, totalBytes }) : undefined);
}
