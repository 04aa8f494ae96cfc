// The search page: plain JavaScript, no build step, no network beyond this service.
// Everything from the server is put into the page with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { topKNodes: [], lastQuery: null, documentsById: new Map() };

function api(path, options = {}) {
  return fetch(new URL(path, document.baseURI), options).then(async (response) => {
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body && body.errors ? body.errors.join(" ") : `HTTP ${response.status}`;
      throw new Error(message);
    }
    return body;
  });
}

function postJSON(path, body) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function setStatus(id, text, isError = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("error", isError);
}

async function setup() {
  const [pipelines, fields, version] = await Promise.all([
    api("pipelines"), api("documents/meta-fields").catch(() => ({ fields: {} })), api("version"),
  ]);
  $("version").textContent = `hayrick ${version.version}`;
  for (const node of pipelines.query || []) {
    if (!node.params.includes("top_k")) continue;
    state.topKNodes.push(node.name);
    const input = el("input", { type: "number", min: "1", max: "100", placeholder: "default", id: `top-k-${node.name}`,
                                name: `top_k_${node.name}`, dataset: { node: node.name } });
    $("top-k").append(el("label", {}, [`${node.name} (${node.type}) top_k`, input]));
  }
  for (const [field, values] of Object.entries(fields.fields || {})) {
    if (field === "file_path") continue;
    const select = el("select", { id: `filter-${field}`, name: field, dataset: { field } },
                      [el("option", { value: "", text: "any" })]);
    for (const value of values) select.append(el("option", { value: JSON.stringify(value), text: String(value) }));
    $("filters").append(el("label", {}, [field, select]));
  }
  $("upload-section").hidden = !pipelines.indexing;
}

function currentParams() {
  const params = {};
  const filters = {};
  for (const select of $("filters").querySelectorAll("select")) {
    if (select.value) filters[select.dataset.field] = [JSON.parse(select.value)];
  }
  if (Object.keys(filters).length) params.filters = filters;
  for (const input of $("top-k").querySelectorAll("input")) {
    if (input.value) params[input.dataset.node] = { top_k: Number(input.value) };
  }
  return params;
}

function highlighted(context, span) {
  const block = el("div", { class: "context" });
  if (!span || span.start == null || span.end == null || span.end > context.length) {
    block.textContent = context;
    return block;
  }
  block.append(context.slice(0, span.start), el("mark", { text: context.slice(span.start, span.end) }),
               context.slice(span.end));
  return block;
}

function metaLine(meta, score) {
  const line = el("div", { class: "meta" });
  if (score != null) line.append(el("span", { text: `score ${Number(score).toFixed(3)}` }));
  for (const [key, value] of Object.entries(meta || {})) {
    if (key.startsWith("_") || key === "file_path") continue;
    line.append(el("span", { text: `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}` }));
  }
  return line;
}

async function sendFeedback(answer, correct, buttons, note) {
  const documentId = (answer.document_ids || [])[0];
  const found = state.documentsById.get(documentId);
  const document = found
    ? { id: found.id, content: found.content, content_type: found.content_type || "text", meta: found.meta || {} }
    : { id: documentId, content: answer.context || answer.answer, content_type: "text", meta: {} };
  const body = {
    query: state.lastQuery, document, is_correct_answer: correct, is_correct_document: correct,
    origin: "user-feedback",
    answer: { answer: answer.answer, type: answer.type || "extractive", score: answer.score ?? null,
              context: answer.context ?? null, offsets_in_document: answer.offsets_in_document ?? null,
              offsets_in_context: answer.offsets_in_context ?? null, document_ids: answer.document_ids ?? null },
  };
  for (const button of buttons) button.disabled = true;
  try {
    await postJSON("feedback", body);
    buttons[correct ? 0 : 1].classList.add("sent");
    note.textContent = "Thanks, feedback saved.";
  } catch (error) {
    note.textContent = `Feedback not saved: ${error.message}`;
    for (const button of buttons) button.disabled = false;
  }
}

function renderAnswers(answers) {
  const list = $("answers");
  list.replaceChildren();
  for (const answer of answers) {
    const note = el("span", { class: "feedback-note" });
    const up = el("button", { class: "vote up", type: "button", title: "Correct answer", text: "✓ right" });
    const down = el("button", { class: "vote down", type: "button", title: "Wrong answer", text: "✗ wrong" });
    up.addEventListener("click", () => sendFeedback(answer, true, [up, down], note));
    down.addEventListener("click", () => sendFeedback(answer, false, [up, down], note));
    const span = (answer.offsets_in_context || [])[0];
    const doc = state.documentsById.get((answer.document_ids || [])[0]);
    list.append(el("li", { class: "answer" }, [
      el("div", { class: "answer-text", text: answer.answer || "(no answer)" }),
      answer.context ? highlighted(answer.context, span) : "",
      metaLine(doc ? doc.meta : answer.meta, answer.score),
      el("div", { class: "votes" }, [up, down, note]),
    ]));
  }
  $("answers-section").hidden = answers.length === 0;
}

function renderDocuments(documents) {
  const list = $("documents");
  list.replaceChildren();
  for (const doc of documents) {
    list.append(el("li", { class: "document" }, [
      el("div", { class: "content", text: typeof doc.content === "string" ? doc.content : JSON.stringify(doc.content) }),
      metaLine(doc.meta, doc.score),
    ]));
  }
  $("documents-section").hidden = documents.length === 0;
}

async function search(event) {
  event.preventDefault();
  const query = $("query").value.trim();
  if (!query) return;
  $("search-button").disabled = true;
  setStatus("status", "Searching…");
  const started = performance.now();
  try {
    const result = await postJSON("query", { query, params: currentParams() });
    state.lastQuery = result.query;
    state.documentsById = new Map((result.documents || []).map((d) => [d.id, d]));
    renderAnswers(result.answers || []);
    renderDocuments(result.documents || []);
    const ms = Math.round(performance.now() - started);
    setStatus("status", `${(result.answers || []).length} answers, ${(result.documents || []).length} documents in ${ms} ms`);
  } catch (error) {
    setStatus("status", error.message, true);
  } finally {
    $("search-button").disabled = false;
  }
}

async function upload(event) {
  event.preventDefault();
  const form = new FormData();
  for (const file of $("upload-files").files) form.append("files", file, file.name);
  const meta = $("upload-meta").value.trim();
  if (meta) form.append("meta", meta);
  $("upload-button").disabled = true;
  setStatus("upload-status", "Indexing…");
  try {
    const result = await api("file-upload", { method: "POST", body: form });
    setStatus("upload-status", `Indexed ${result.files.length} files into ${result.documents} documents.`);
    $("upload-form").reset();
  } catch (error) {
    setStatus("upload-status", error.message, true);
  } finally {
    $("upload-button").disabled = false;
  }
}

$("search-form").addEventListener("submit", search);
$("upload-form").addEventListener("submit", upload);
setup().catch((error) => setStatus("status", `Could not reach the service: ${error.message}`, true));
