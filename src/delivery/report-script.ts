/**
 * The review page's script, inlined into index.html so that the page works from `file://` with no
 * server and no CDN. It renders the rows from the JSON embedded in the page, a page of rows at a
 * time (usable with thousands), only ever through textContent and attributes: text in the specs
 * is shown as text, whatever it holds. Plain ES2020 for any current browser.
 */
export const REPORT_SCRIPT = String.raw`
'use strict';
const data = JSON.parse(document.getElementById('kieaudio-data').textContent);
const PAGE = 100;
const $ = (id) => document.getElementById(id);
const state = { page: 0, shown: [] };
const FILTERS = ['kind', 'speaker', 'language', 'status'];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
const encodedPath = (path) => path.split('/').map(encodeURIComponent).join('/');
const seconds = (s) => (s === null ? '–' : s.toFixed(2) + ' s');
const lufs = (v, unit) => (v === null ? '–' : v.toFixed(1) + ' ' + unit);

function fillFilters() {
  for (const name of FILTERS) {
    const select = $('filter-' + name);
    const values = [...new Set(data.rows.map((r) => r[name]).filter((v) => v !== null))].sort();
    for (const value of values) select.append(el('option', { value }, value));
    select.addEventListener('change', () => apply(true));
  }
  $('search').addEventListener('input', () => apply(true));
  $('prev').addEventListener('click', () => turn(-1));
  $('next').addEventListener('click', () => turn(1));
}

function matches(row) {
  for (const name of FILTERS) {
    const wanted = $('filter-' + name).value;
    if (wanted !== '' && row[name] !== wanted) return false;
  }
  const words = $('search').value.toLowerCase().split(/\s+/).filter(Boolean);
  const hay = [row.id, row.out, row.text || '', row.speaker || ''].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

function apply(reset) {
  state.shown = data.rows.filter(matches);
  if (reset) state.page = 0;
  render();
}

function turn(delta) {
  const pages = Math.max(1, Math.ceil(state.shown.length / PAGE));
  state.page = Math.min(pages - 1, Math.max(0, state.page + delta));
  render();
}

function waveform(peaks) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + Math.max(1, peaks.length) + ' 20');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'wave');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', peaks.length ? 'waveform' : 'no waveform');
  peaks.forEach((p, i) => {
    const h = Math.max(0.3, p * 20);
    const bar = document.createElementNS(ns, 'rect');
    bar.setAttribute('x', String(i + 0.1));
    bar.setAttribute('width', '0.8');
    bar.setAttribute('y', String(10 - h / 2));
    bar.setAttribute('height', String(h));
    svg.append(bar);
  });
  return svg;
}

function player(row) {
  if (row.src === null) return el('span', { class: 'missing' }, 'missing: no file at ' + row.out);
  return el('audio', { controls: '', preload: 'metadata', src: encodedPath(row.src), 'data-role': 'output', 'aria-label': 'Play ' + row.id });
}

function takes(row) {
  if (row.takes.length === 0) return null;
  const list = el('ul', { class: 'takes', 'aria-label': 'Takes of ' + row.id });
  for (const take of row.takes) {
    const marks = [take.current ? 'current' : '', take.pinned ? 'pinned' : ''].filter(Boolean).join(', ');
    const name = 'Take ' + take.n + (marks ? ' (' + marks + ')' : '');
    const item = el('li', { class: 'take', 'data-take': take.n, 'data-pinned': take.pinned ? 'true' : null, 'data-current': take.current ? 'true' : null });
    item.append(el('span', { class: 'take-name', title: take.generatedAt || '' }, name));
    if (take.src !== null) item.append(el('audio', { controls: '', preload: 'none', src: encodedPath(take.src), 'aria-label': 'Play ' + row.id + ' ' + name }));
    else item.append(el('span', { class: 'note' }, take.placeholder ? 'placeholder (not kept)' : 'not in the cache'));
    list.append(item);
  }
  return list;
}

function field(label, value) {
  return el('span', { class: 'field' }, el('span', { class: 'label' }, label + ' '), value);
}

function rowNode(row) {
  const node = el('article', { class: 'row', tabindex: '0', 'aria-label': row.id, 'data-id': row.id, 'data-status': row.status,
    'data-kind': row.kind, 'data-speaker': row.speaker, 'data-language': row.language });
  const head = el('header', {}, el('strong', { class: 'id' }, row.id), ' ',
    el('span', { class: 'status s-' + row.status.replace(/ /g, '-'), title: row.reason }, row.status), ' ',
    el('span', { class: 'out' }, row.out));
  const meta = el('p', { class: 'meta' }, field('kind', row.kind), field('speaker', row.speaker || '–'),
    field('language', row.language || '–'), field('duration', seconds(row.durationSeconds)),
    field('loudness', lufs(row.loudnessLufs, 'LUFS')), field('true peak', lufs(row.truePeakDb, 'dBTP')));
  const params = el('details', {}, el('summary', {}, 'Parameters sent (' + row.model + ')'), el('pre', {}, JSON.stringify(row.params, null, 2)));
  const info = el('div', { class: 'info' }, head, el('p', { class: 'text' }, row.text === null ? '' : row.text), meta, params);
  const media = el('div', { class: 'media' }, waveform(row.peaks), player(row));
  const list = takes(row);
  if (list) media.append(list);
  node.append(info, media);
  return node;
}

function render() {
  const list = $('rows');
  const start = state.page * PAGE;
  const page = state.shown.slice(start, start + PAGE);
  list.replaceChildren(...page.map(rowNode));
  const total = state.shown.length;
  $('count').textContent = total === 0 ? 'No outputs match' : 'Showing ' + (start + 1) + '–' + (start + page.length) + ' of ' + total + ' outputs (' + data.rows.length + ' in the project)';
  $('count').setAttribute('data-shown', String(total));
  $('prev').disabled = state.page === 0;
  $('next').disabled = start + PAGE >= total;
}

function rowsOnPage() {
  return [...document.querySelectorAll('#rows .row')];
}

function move(delta, play) {
  const rows = rowsOnPage();
  if (rows.length === 0) return;
  const at = rows.indexOf(document.activeElement.closest ? document.activeElement.closest('.row') : null);
  const next = rows[Math.min(rows.length - 1, Math.max(0, at + delta))];
  next.focus();
  if (play) toggle(next, true);
}

function toggle(row, restart) {
  const audio = row.querySelector('audio[data-role=output]');
  if (!audio) return;
  for (const other of document.querySelectorAll('audio')) if (other !== audio) other.pause();
  if (audio.paused || restart) {
    if (restart) audio.currentTime = 0;
    audio.play().catch(() => undefined);
  } else audio.pause();
}

document.addEventListener('keydown', (event) => {
  const tag = event.target.tagName;
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || event.ctrlKey || event.metaKey || event.altKey) return;
  const row = event.target.closest ? event.target.closest('.row') : null;
  if (event.key === 'j' || event.key === 'ArrowDown') move(1, false);
  else if (event.key === 'k' || event.key === 'ArrowUp') move(-1, false);
  else if (event.key === 'n') move(1, true);
  else if ((event.key === ' ' || event.key === 'p') && row && event.target === row) toggle(row, false);
  else if (event.key === '/') $('search').focus();
  else return;
  event.preventDefault();
});

fillFilters();
apply(true);
`;
