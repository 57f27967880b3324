/**
 * Pure: the review page's index.html. One self-contained file: the rows as JSON in a script
 * element of type application/json (`<` written as `\u003c`, so no text in a spec can close it),
 * the styles and the script inline (report-script.ts); nothing is fetched from a server or a CDN.
 * The controls are labelled form elements, reachable by keyboard.
 */
import type { ReviewRow } from './report-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REVIEW_STATUSES } from './review-status.js';

export interface ReportPageData {
  /** the project, as the page names it */
  title: string;
  rows: ReviewRow[];
}

export function reportPage(data: ReportPageData): string {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const select = (name: string, label: string) =>
    `<label>${label} <select id="filter-${name}"><option value="">all</option></select></label>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kieaudio review: ${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top">
<h1>kieaudio review: ${escapeHtml(data.title)}</h1>
<form class="filters" role="search" aria-label="Filter outputs" onsubmit="return false">
${select('kind', 'Kind')}
${select('speaker', 'Speaker')}
${select('language', 'Language')}
${select('status', 'Status')}
<label>Search <input id="search" type="search" placeholder="id, text, speaker…" autocomplete="off"></label>
</form>
<p class="keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous row, <kbd>space</kbd> play or pause the row, <kbd>n</kbd> play the next row, <kbd>/</kbd> search. Statuses: ${REVIEW_STATUSES.join(', ')}.</p>
<p id="count" role="status" aria-live="polite"></p>
</header>
<main id="rows" aria-label="Outputs"></main>
<nav class="pages" aria-label="Pages"><button id="prev" type="button">Previous page</button> <button id="next" type="button">Next page</button></nav>
<script type="application/json" id="kieaudio-data">${json}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
:root { color-scheme: light dark; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 0; }
.top { position: sticky; top: 0; background: Canvas; border-bottom: 1px solid #8884; padding: 0.5rem 1rem; z-index: 1; }
h1 { font-size: 1.2rem; margin: 0 0 0.4rem; }
.filters { display: flex; flex-wrap: wrap; gap: 0.8rem; }
.keys, #count { margin: 0.3rem 0 0; color: GrayText; }
main { padding: 0 1rem; }
.row { border-bottom: 1px solid #8884; padding: 0.6rem 0.4rem; display: grid; gap: 0.3rem 1.5rem; grid-template-columns: minmax(18rem, 1fr) minmax(16rem, 30rem); }
@media (max-width: 50rem) { .row { grid-template-columns: 1fr; } }
.row:focus { outline: 2px solid Highlight; outline-offset: -2px; }
.info, .media { display: grid; gap: 0.25rem; align-content: start; min-width: 0; }
.out { color: GrayText; font-family: ui-monospace, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
.text { margin: 0; font-size: 1.05rem; white-space: pre-wrap; }
.meta { margin: 0; display: flex; flex-wrap: wrap; gap: 0 1rem; }
.label { color: GrayText; }
.status { border-radius: 3px; padding: 0 0.4rem; background: #8883; white-space: nowrap; }
.s-up-to-date { background: #2a24; } .s-pinned-take { background: #26c4; } .s-placeholder { background: #c904; }
.s-modified-by-hand, .s-stale { background: #c804; } .s-failed-last-build, .s-missing, .s-maybe-charged { background: #d224; }
.wave { width: 100%; height: 2.2rem; fill: currentColor; opacity: 0.7; }
audio { width: 100%; height: 2rem; }
.missing { color: #d22; font-weight: bold; }
.note { color: GrayText; }
.takes { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.2rem; }
.take { display: grid; grid-template-columns: 9rem 1fr; align-items: center; gap: 0.5rem; font-size: 0.9rem; }
.take[data-pinned] .take-name, .take[data-current] .take-name { font-weight: bold; }
summary { cursor: pointer; color: GrayText; }
.pages { padding: 1rem; }
pre { margin: 0.2rem 0; white-space: pre-wrap; }
`;
