// The clerk's page: drop a file, see what credbridge reads, check it, convert it.
// Plain JavaScript, no build step, no request to anywhere but this service. Every text
// from the document goes into the page as text (never as HTML).
"use strict";

const $ = (id) => document.getElementById(id);
let current = null;  // the chosen File
let download = null;  // the object URL of the last output

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function say(text) { $("status").textContent = text; }

function fail(text) {
  const error = $("error");
  error.textContent = text;
  error.hidden = !text;
}

// The one sentence of a failed answer: the problem's detail, else the HTTP status.
async function problemOf(response) {
  try {
    const problem = await response.json();
    if (problem && problem.detail) return problem.detail;
  } catch (e) { /* not JSON */ }
  return `The service answered ${response.status} ${response.statusText}.`;
}

async function post(path, params, body) {
  const query = new URLSearchParams(params);
  let response;
  try {
    response = await fetch(`${path}?${query}`, { method: "POST", body });
  } catch (e) {
    throw new Error("The service did not answer (is it still running?).");
  }
  if (!response.ok) throw new Error(await problemOf(response));
  return response;
}

function text(value) {  // a multilingual text: English first, else the first language
  if (!value || typeof value !== "object") return value ?? "";
  return value.en ?? Object.values(value)[0] ?? "";
}

function personName(p) {
  if (!p) return "";
  return p.full_name || [p.given_name, p.family_name].filter(Boolean).join(" ") ||
    p.email || p.id || "";
}

function levelText(value) {  // a level: a number, a code, or framework entries
  if (Array.isArray(value)) return value.map(levelText).join(", ");
  if (value && typeof value === "object") {
    return text(value.label) || value.code || value.uri || value.id || JSON.stringify(value);
  }
  return String(value);
}

function parseCanonical(body) {  // one pretty object, or JSON Lines
  const trimmed = body.trim();
  if (!trimmed) return [];
  try { return [JSON.parse(trimmed)]; } catch (e) { /* JSON Lines */ }
  return trimmed.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function showCard(records) {
  const card = $("card");
  card.replaceChildren();
  $("record-count").textContent = records.length === 1 ? "" :
    `${records.length} credentials in this document; the first is shown.`;
  const c = records[0];
  if (!c) { card.append(el("p", {}, "No credential could be read.")); return; }
  card.append(el("h3", {}, text(c.title) || "(no title)"));
  const rows = [
    ["Learner", personName(c.learner)],
    ["Awarding body", (c.awarding_bodies || []).map((b) =>
      [text(b.name), b.country].filter(Boolean).join(", ")).join("; ")],
    ["Issued", c.issued],
    ["Valid until", c.valid_until],
    ["Workload", c.workload ? [c.workload.ects && `${c.workload.ects} ECTS`,
      c.workload.hours && `${c.workload.hours} hours`].filter(Boolean).join(", ") : ""],
    ["Level", c.levels ? Object.entries(c.levels).map(([k, v]) =>
      `${k.toUpperCase().replace("_", "-")} ${levelText(v)}`).join(", ") : ""],
    ["Assessment", c.assessment ? (c.assessment.types || []).join(", ") : ""],
    ["Grade", c.assessment && c.assessment.grade ? c.assessment.grade.value : ""],
    ["Participation", c.participation ? (c.participation.modes || []).join(", ") : ""],
    ["Quality assurance", (c.quality_assurance || []).map((q) => text(q.description) ||
      q.id || "").join("; ")],
    ["Languages", (c.languages || []).join(", ")],
    ["Identifier", c.id],
  ];
  const list = el("dl");
  for (const [label, value] of rows) {
    if (!value) continue;
    list.append(el("dt", {}, label), el("dd", {}, value));
  }
  const outcomes = (c.learning_outcomes || []).map((o) => text(o.text)).filter(Boolean);
  if (outcomes.length) {
    list.append(el("dt", {}, "Learning outcomes"),
      el("dd", {}, el("ul", {}, ...outcomes.map((o) => el("li", {}, o)))));
  }
  card.append(el("p", {}, text(c.description)), list);
  $("canonical").textContent = JSON.stringify(c, null, 2);
  showProofs(c);
}

function showProofs(c) {
  const list = $("proofs");
  list.replaceChildren();
  const proofs = c.proof || [];
  if (!proofs.length) list.append(el("li", {}, "The document carries no proof (no seal or signature)."));
  for (const p of proofs) {
    list.append(el("li", {}, `${p.kind}: recorded, not verified`,
      p.signer ? ` — signed by ${p.signer}` : "", p.created ? `, ${p.created}` : ""));
  }
  $("proof-section").hidden = false;
}

// The proofs checked offline by POST /verify (credbridge verify): one line per proof with
// its outcome, the signer and what the outcome rests on.
async function verifyProofs(file) {
  const note = $("verify-note");
  note.textContent = "Checking the proofs…";
  let response;
  try {
    response = await fetch(`/verify?${new URLSearchParams({ filename: file.name })}`,
      { method: "POST", body: file });
  } catch (e) {
    note.textContent = "The proofs could not be checked: the service did not answer.";
    return;
  }
  if (!response.ok) {
    note.textContent = `The proofs could not be checked: ${await problemOf(response)}`;
    return;
  }
  const result = Object.values(await response.json())[0] || { proofs: [] };
  if (!result.proofs.length) {
    note.textContent = "No proof that credbridge can check was found.";
    return;
  }
  const list = $("proofs");
  list.replaceChildren();
  for (const p of result.proofs) {
    list.append(el("li", { class: `proof ${p.status}` },
      el("strong", {}, p.status), ` (${p.suite})`, p.where ? ` ${p.where}` : "",
      p.signer ? ` — signed by ${p.signer}` : "", p.signed_at ? ` at ${p.signed_at}` : "",
      p.anchor ? `, chained to ${p.anchor}` : "", p.detail ? `: ${p.detail}` : ""));
  }
  note.textContent = result.verified ? "Every proof verified (offline; keys from did:key " +
    "and the document's own certificates)." : "Not every proof verified: see each line.";
}

function showChecklist(results) {
  const body = $("checklist").tBodies[0];
  body.replaceChildren();
  const first = results[0];
  if (!first) { $("check-summary").textContent = "No credential to check."; return; }
  const missing = first.elements.filter((e) => e.status === "missing");
  $("check-summary").textContent = first.complete ?
    "Every mandatory element is present." :
    `Missing mandatory elements: ${missing.map((e) => e.element).join("; ")}.`;
  for (const e of first.elements) {
    const label = { present: "present", missing: "MISSING", warning: "absent" }[e.status];
    body.append(el("tr", {}, el("td", {}, e.number ?? ""), el("td", {}, e.element),
      el("td", {}, e.kind), el("td", { class: e.status }, label)));
  }
  $("check-section").hidden = false;
}

function showHeatmap(coverage) {
  const table = $("heatmap");
  const first = coverage.credentials[0];
  table.tHead.replaceChildren();
  table.tBodies[0].replaceChildren();
  if (!first) return;
  const targets = coverage.targets;
  table.tHead.append(el("tr", {}, el("th", { scope: "col" }, "field"),
    ...targets.map((t) => el("th", { scope: "col" }, t))));
  const mark = { exact: "E", lossy: "L", extension: "X", dropped: "–" };
  for (const field of first.fields) {
    table.tBodies[0].append(el("tr", {}, el("th", { scope: "row", class: "field" }, field),
      ...targets.map((t) => {
        const how = first.targets[t][field];
        return el("td", { class: `cell ${how}`, title: `${t}: ${how}` }, mark[how] || "?");
      })));
  }
  $("coverage-section").hidden = false;
}

function showTargets(formats, source) {
  const select = $("target");
  select.replaceChildren();
  for (const f of formats.filter((x) => x.write)) {
    select.append(el("option", { value: f.name }, `${f.name} — ${f.title}`));
  }
  select.value = source === "ob3" ? "elm" : "ob3";
  $("convert-section").hidden = false;
}

function showReport(report, output) {
  const counts = report.counts || {};
  const r = report.records;
  $("result-summary").textContent = `${r.written} written, ${r.failed} failed` +
    (Object.keys(counts).length ? "; " + Object.entries(counts).map(([k, n]) =>
      `${n} ${k}`).join(", ") : "") + ".";
  const groups = new Map();
  for (const m of report.messages) {
    if (!["dropped", "approximated", "defaulted", "invalid-record", "invalid-value"]
      .includes(m.code)) continue;
    const key = `${m.code}\u0000${m.field || "-"}`;
    const g = groups.get(key) || { code: m.code, field: m.field || "-", records: new Set(),
      detail: m.detail };
    g.records.add(m.record ?? "");
    groups.set(key, g);
  }
  const order = { "invalid-record": 0, dropped: 1, approximated: 2, defaulted: 3 };
  const rows = [...groups.values()].sort((a, b) => (order[a.code] ?? 9) - (order[b.code] ?? 9)
    || a.field.localeCompare(b.field));
  const body = $("losses").tBodies[0];
  body.replaceChildren();
  for (const g of rows) {
    body.append(el("tr", { class: "loss" }, el("td", { class: g.code }, g.code),
      el("td", {}, el("code", {}, g.field)), el("td", {}, g.records.size),
      el("td", {}, g.detail)));
  }
  if (!rows.length) {
    body.append(el("tr", {}, el("td", { colspan: "4" }, "Nothing was dropped, approximated or defaulted.")));
  }
  $("report").textContent = JSON.stringify(report, null, 2);
  const link = $("download");
  if (download) URL.revokeObjectURL(download);
  if (output) {
    download = URL.createObjectURL(output);
    link.href = download;
    link.download = output.name || "output";
    link.textContent = `Download ${link.download}`;
    link.hidden = false;
  } else {
    link.hidden = true;
  }
  $("result").hidden = false;
}

async function convert(event) {
  event.preventDefault();
  if (!current) return;
  fail("");
  const to = $("target").value;
  say(`Converting to ${to}…`);
  try {
    const response = await post("/convert", { to, report: "multipart", filename: current.name },
      current);
    const parts = await response.formData();
    const problem = parts.get("problem");
    if (problem) throw new Error(JSON.parse(await textOf(problem)).detail);
    const report = JSON.parse(await textOf(parts.get("report")));
    showReport(report, parts.get("output"));
    say(`Converted to ${to}.`);
  } catch (e) {
    say("");
    fail(e.message);
  }
}

async function textOf(part) { return typeof part === "string" ? part : part.text(); }

async function look(file) {
  current = file;
  fail("");
  for (const id of ["record-section", "check-section", "proof-section", "convert-section",
    "coverage-section", "result", "detected"]) $(id).hidden = true;
  say(`Reading ${file.name}…`);
  const params = { filename: file.name };
  try {
    const detected = await (await post("/detect", params, file)).json();
    $("format-name").textContent = detected.format;
    $("format-title").textContent = `(${detected.title})`;
    $("detected").hidden = false;
    const params2 = { ...params, from: detected.format };
    const [shown, checked, covered, formats] = await Promise.all([
      post("/show", params2, file).then((r) => r.text()),
      post("/check", params2, file).then((r) => r.json()),
      post("/coverage", params2, file).then((r) => r.json()),
      fetch("/formats").then((r) => r.json()),
    ]);
    showCard(parseCanonical(shown));
    $("record-section").hidden = false;
    showChecklist(checked);
    showHeatmap(covered);
    showTargets(formats, detected.format);
    await verifyProofs(file);
    say(`${file.name} read as ${detected.format}.`);
  } catch (e) {
    say("");
    fail(e.message);
  }
}

function setUp() {
  const input = $("file");
  const drop = $("drop");
  input.addEventListener("change", () => { if (input.files[0]) look(input.files[0]); });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) look(e.dataTransfer.files[0]);
  });
  $("convert-form").addEventListener("submit", convert);
}

document.addEventListener("DOMContentLoaded", setUp);
