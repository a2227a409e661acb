/**
 * PDFs with pdfmake: the fonts it ships (Roboto), read from the server's files only, and the plain
 * table every report uses. A document never reads a file or URL named in its content.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { Cell } from './tabular.js';

const require = createRequire(import.meta.url);

// pdfmake reads its fonts from files on the server: Roboto ships with it
let fontsSet = false;
function pdfmake() {
  const pm = require('pdfmake') as typeof import('pdfmake');
  if (!fontsSet) {
    const dir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
    pm.setFonts({
      Roboto: {
        normal: path.join(dir, 'Roboto-Regular.ttf'),
        bold: path.join(dir, 'Roboto-Medium.ttf'),
        italics: path.join(dir, 'Roboto-Italic.ttf'),
        bolditalics: path.join(dir, 'Roboto-MediumItalic.ttf'),
      },
    });
    // Only the fonts above: a document never reads a file or URL named in its content
    pm.setLocalAccessPolicy((p) => p.startsWith(dir));
    pm.setUrlAccessPolicy(() => false);
    fontsSet = true;
  }
  return pm;
}

export function pdfTable(header: string[], body: Cell[][], widths: (number | string)[]): Content {
  return {
    table: {
      headerRows: 1,
      keepWithHeaderRows: 1,
      dontBreakRows: true,
      widths,
      body: [header.map((h) => ({ text: h, bold: true })), ...body.map((r) => r.map((c) => ({ text: c === null ? '–' : String(c) })))],
    },
    layout: 'lightHorizontalLines',
    fontSize: 9,
    margin: [0, 4, 0, 12],
  };
}


/** The document as a PDF file. */
export async function pdfBuffer(doc: TDocumentDefinitions): Promise<Buffer> {
  return pdfmake().createPdf(doc).getBuffer();
}
