import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const t0 = Date.now();
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--disable-quic'] });
console.log('launch', Date.now()-t0, b.version());
for (const js of [true, false]) {
  const ctx = await b.newContext({ javaScriptEnabled: js });
  const p = await ctx.newPage();
  await p.setContent(`<html lang="en"><head><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><title>x</title></head><body><main><h1>Hi</h1><img src="x"></main></body></html>`);
  await p.evaluate(readFileSync('node_modules/axe-core/axe.min.js','utf8'));
  const r = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a'] } }));
  console.log(js, r.violations.map(v => v.id));
  await ctx.close();
}
await b.close();
