/**
 * Static assets: govuk-frontend's fonts-free stylesheet compiled with our settings (cached on
 * disk after the first build), its JavaScript, images, and our own small files.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from './render.js';

const govukDist = path.join(projectRoot, 'node_modules/govuk-frontend/dist/govuk');
const ownAssets = path.join(projectRoot, 'src/web/assets');
const cacheDir = path.join(projectRoot, 'node_modules/.cache/assure');

let cssPromise: Promise<string> | null = null;

/** Compiles app.scss once per process, reusing the on-disk copy while the sources are unchanged. */
export function buildCss(): Promise<string> {
  cssPromise ??= (async () => {
    const source = await readFile(path.join(ownAssets, 'app.scss'), 'utf8');
    const pkg = await readFile(path.join(projectRoot, 'node_modules/govuk-frontend/package.json'), 'utf8');
    const key = createHash('sha256').update(source).update(pkg).digest('hex').slice(0, 16);
    const cached = path.join(cacheDir, `app-${key}.css`);
    try {
      return await readFile(cached, 'utf8');
    } catch {
      const sass = await import('sass');
      const result = sass.compile(path.join(ownAssets, 'app.scss'), {
        loadPaths: [path.join(projectRoot, 'node_modules')],
        style: 'compressed',
        quietDeps: true,
        silenceDeprecations: ['import'],
      });
      await mkdir(cacheDir, { recursive: true });
      await writeFile(cached, result.css);
      return result.css;
    }
  })();
  return cssPromise;
}

export async function registerAssets(app: FastifyInstance): Promise<void> {
  const css = await buildCss();
  const longCache = 'public, max-age=3600';
  app.get('/assets/app.css', (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', longCache).send(css));
  app.get('/assets/init.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').sendFile('init.js', ownAssets));
  app.get('/assets/favicon.svg', (_req, reply) => reply.type('image/svg+xml').sendFile('favicon.svg', ownAssets));
  app.get('/assets/govuk-frontend.min.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').sendFile('govuk-frontend.min.js', govukDist));
  await app.register(fastifyStatic, { root: path.join(govukDist, 'assets'), prefix: '/assets/', decorateReply: true, index: false, maxAge: 3600 * 1000 });
}
