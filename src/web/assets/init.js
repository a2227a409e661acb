// Progressive enhancement only: every journey works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
initAll();
