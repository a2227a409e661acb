/**
 * The CIN census import at scale: writes a census file of BENCH_CENSUS_CHILDREN synthetic children
 * (default 5,000, so `npm run bench` finishes in minutes; the goal is set for 50,000, a large
 * authority's return, and scales with the size: 30 s for 50,000), each with a referral, a section 47
 * enquiry, an initial conference and, for most, a plan with reviews, then imports it in a process of its own
 * (bench/census-import.ts) into a fresh database, and reports the time and that process's peak
 * resident memory, which must not grow with the file (the parser streams).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { prng } from '../src/demo/generate.js';

export const CENSUS_CHILDREN = Number(process.env.BENCH_CENSUS_CHILDREN ?? 5_000);
/** The goal: 50,000 children in under 30 s, in proportion for other sizes. */
const SECONDS_PER_CHILD = 30 / 50_000;
export const CENSUS_LEA = '990';

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** Writes the census XML, child by child, without holding it in memory. */
export async function writeCensus(file: string, children: number, seed = 11, lea = CENSUS_LEA): Promise<number> {
  const rand = prng(seed);
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>${lea}</LEA><SoftwareCode>Bench</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo><DateTime>2026-04-01T09:00:00</DateTime></Source></Header><Children>\n`);
  const categories = ['NEG', 'EMO', 'PHY', 'SAB', 'MUL'];
  for (let i = 0; i < children; i++) {
    const born = addDays(new Date('2009-04-01T00:00:00Z'), Math.floor(rand() * 6000));
    const referral = addDays(new Date('2025-04-01T00:00:00Z'), Math.floor(rand() * 300));
    const s47 = addDays(referral, 2 + Math.floor(rand() * 5));
    const icpc = addDays(s47, 10 + Math.floor(rand() * 12));
    const onPlan = rand() < 0.7;
    const category = categories[Math.floor(rand() * categories.length)]!;
    const reviews = onPlan ? Array.from({ length: Math.floor(rand() * 3) }, (_, k) => `<CPPreviewDate>${iso(addDays(icpc, 90 + k * 180))}</CPPreviewDate>`).join('') : '';
    const plan = onPlan
      ? `<ChildProtectionPlans><CPPstartDate>${iso(icpc)}</CPPstartDate>${rand() < 0.3 ? `<CPPendDate>${iso(addDays(icpc, 200))}</CPPendDate>` : ''}<InitialCategoryOfAbuse>${category}</InitialCategoryOfAbuse><LatestCategoryOfAbuse>${category}</LatestCategoryOfAbuse><NumberOfPreviousCPP>${rand() < 0.2 ? 1 : 0}</NumberOfPreviousCPP><Reviews>${reviews}</Reviews></ChildProtectionPlans>`
      : '';
    await write(
      `<Child><ChildIdentifiers><LAchildID>B${String(i).padStart(7, '0')}</LAchildID><PersonBirthDate>${iso(born)}</PersonBirthDate><Sex>${1 + Math.floor(rand() * 2)}</Sex></ChildIdentifiers>` +
        `<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics><CINdetails><CINreferralDate>${iso(referral)}</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>` +
        `<Section47><S47ActualStartDate>${iso(s47)}</S47ActualStartDate><InitialCPCtarget>${iso(addDays(s47, 21))}</InitialCPCtarget><DateOfInitialCPC>${iso(icpc)}</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>` +
        `<ReferralNFA>0</ReferralNFA>${plan}</CINdetails></Child>\n`,
    );
  }
  await write('</Children></Message>\n');
  out.end();
  await once(out, 'finish');
  return statSync(file).size;
}

export interface CensusFigure {
  name: string;
  value: number;
  unit: string;
  limit: number;
}

/** Generates the file, imports it in its own process, and returns the figures. */
export async function censusFigures(databaseUrl: string | undefined): Promise<CensusFigure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'assure-bench-census-'));
  try {
    const file = path.join(dir, 'census.xml');
    const bytes = await writeCensus(file, CENSUS_CHILDREN);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'census-import.ts'), file], {
      env: { ...process.env, BENCH_CENSUS_DATA: path.join(dir, 'data'), ...(databaseUrl ? { BENCH_CENSUS_DATABASE_URL: databaseUrl } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    if (code !== 0) throw new Error(`the census import process exited with ${code}: ${out}`);
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; maxRssMiB: number; children: number };
    if (r.children !== CENSUS_CHILDREN) throw new Error(`the import counted ${r.children} children, not ${CENSUS_CHILDREN}`);
    const size = `${CENSUS_CHILDREN.toLocaleString('en-GB')} children, ${(bytes / 2 ** 20).toFixed(0)} MiB`;
    return [
      { name: `census import (${size})`, value: r.ms / 1000, unit: 's', limit: Math.round(SECONDS_PER_CHILD * CENSUS_CHILDREN * 10) / 10 },
      // The 300 MB goal is the importing process's own memory, beside a PostgreSQL server. On the
      // embedded database the process also holds PGlite (0.8–1 GB of its own), so the limit there is
      // the embedded server's resident-memory limit.
      { name: `census import peak memory (${databaseUrl ? 'Node alone' : 'with the embedded database'})`, value: r.maxRssMiB, unit: 'MiB', limit: databaseUrl ? 300 : 1536 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
