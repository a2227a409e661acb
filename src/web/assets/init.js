// Progressive enhancement only: every journey works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
initAll();

// An import's progress page: follow the import in place, and move on to its result when it ends
const progress = document.querySelector('[data-import-progress]');
if (progress) {
  const poll = async () => {
    try {
      const res = await fetch(progress.dataset.importProgress, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (res.ok) {
        const p = await res.json();
        if (p.next) return window.location.assign(p.next);
        const children = `${p.children} ${p.children === 1 ? 'child' : 'children'}`;
        progress.textContent = p.recomputing
          ? `The file is imported: ${children}. The partnership’s practice standards are being worked out with them.`
          : `${children} read${p.percent === null ? '' : `, ${p.percent}% of the file`}.`;
      }
    } catch {
      // The button still works: try again later
    }
    setTimeout(poll, 1500);
  };
  setTimeout(poll, 1500);
}
