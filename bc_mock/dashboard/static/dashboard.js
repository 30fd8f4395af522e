// bc_mock dashboard: plain JavaScript, no build step, no dependency.
//
// All data comes from bc_mock's /_mock JSON endpoints, relative to this page (/_mock/). What a
// client sent (bodies, headers, URLs) is only ever shown as text: elements are built with
// createElement and filled with textContent, never with innerHTML; the page's
// Content-Security-Policy runs no inline script anyway.
"use strict";

(() => {
  const POLL_MS = 1000;
  const PAGE = 100; // requests listed at once
  const RECORDS_PAGE = 50; // records of the data view at once
  const HIGHLIGHT_LIMIT = 200000; // longer bodies are shown without colours

  const $ = (id) => document.getElementById(id);
  const state = {
    view: null,
    filters: {},
    live: true, // the newest requests, refreshed; false while looking at older ones
    before: null, // the id older pages end before
    rows: [],
    signature: "",
    seen: null, // ids listed before, to mark the new ones
    selected: null,
    detail: null, // the selected entry, whole
    headersOpen: false, // whether a request's headers are shown unfolded
    rules: [],
    ruleSignature: "", // of the rules the faults table shows
    filterSignature: "", // of those the fault filter offers
    data: { namespace: null, company: null, set: null, skip: 0, count: 0 },
    ticks: 0, // polls so far: slower views refresh every few
    firstRows: false,
  };

  // --- building the page: text only --------------------------------------------------------

  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  // --- JSON with exact numbers ---------------------------------------------------------------

  // A number JavaScript cannot hold as sent (0.10000000000000000001, 1234567890123456.78, 1.50):
  // kept as its text, so bodies show what the client sent and what bc_mock answered.
  class Num {
    constructor(text) {
      this.text = text;
    }
    toString() {
      return this.text;
    }
  }

  function parseJSON(text) {
    return JSON.parse(text, (key, value, context) =>
      typeof value === "number" && context && typeof context.source === "string" && String(value) !== context.source
        ? new Num(context.source)
        : value,
    );
  }

  function toJSON(value) {
    if (value instanceof Num) return value.text;
    if (Array.isArray(value)) return "[" + value.map(toJSON).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.entries(value).map(([k, v]) => JSON.stringify(k) + ":" + toJSON(v)).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  // Pretty JSON as a list of [class, text] tokens, then as spans (text nodes only).
  function prettyTokens(value, indent, out) {
    const pad = "  ".repeat(indent);
    if (value instanceof Num || typeof value === "number") out.push(["j-num", String(value)]);
    else if (typeof value === "string") out.push(["j-str", JSON.stringify(value)]);
    else if (value === null || typeof value === "boolean") out.push(["j-lit", String(value)]);
    else if (Array.isArray(value)) {
      if (!value.length) return out.push(["", "[]"]);
      out.push(["", "[\n"]);
      value.forEach((item, i) => {
        out.push(["", pad + "  "]);
        prettyTokens(item, indent + 1, out);
        out.push(["", i < value.length - 1 ? ",\n" : "\n"]);
      });
      out.push(["", pad + "]"]);
    } else {
      const entries = Object.entries(value);
      if (!entries.length) return out.push(["", "{}"]);
      out.push(["", "{\n"]);
      entries.forEach(([key, item], i) => {
        out.push(["", pad + "  "], ["j-key", JSON.stringify(key)], ["", ": "]);
        prettyTokens(item, indent + 1, out);
        out.push(["", i < entries.length - 1 ? ",\n" : "\n"]);
      });
      out.push(["", pad + "}"]);
    }
    return out;
  }

  function jsonBlock(value) {
    const pre = h("pre", { class: "json" });
    const tokens = prettyTokens(value, 0, []);
    const length = tokens.reduce((sum, [, text]) => sum + text.length, 0);
    if (length > HIGHLIGHT_LIMIT) {
      pre.textContent = tokens.map(([, text]) => text).join("");
      return pre;
    }
    for (const [cls, text] of tokens) pre.append(cls ? h("span", { class: cls, text }) : document.createTextNode(text));
    return pre;
  }

  // --- talking to bc_mock -----------------------------------------------------------------------

  class ApiError extends Error {}

  async function api(path, options = {}) {
    const init = { method: options.method || "GET", headers: { Accept: "application/json" }, cache: "no-store" };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json"; // /_mock takes JSON bodies only
      init.body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let body = null;
    if (text) {
      try {
        body = parseJSON(text);
      } catch (error) {
        body = text;
      }
    }
    if (!response.ok) {
      const message = body && body.error ? String(body.error.message).split("  CorrelationId:")[0] : `${response.status} ${text}`;
      throw new ApiError(message);
    }
    return body;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
    }
    const text = search.toString();
    return text ? "?" + text : "";
  }

  // --- small formats ----------------------------------------------------------------------------

  const REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 304: "Not Modified", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
    409: "Conflict", 412: "Precondition Failed", 413: "Payload Too Large", 415: "Unsupported Media Type",
    424: "Failed Dependency", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
  };

  const pad = (n, width = 2) => String(n).padStart(width, "0");

  function clockTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  }

  function ms(value) {
    if (value === null || value === undefined) return "";
    const n = Number(value);
    return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
  }

  const thousands = (n) => Number(n).toLocaleString("en-US");

  function statusBadge(entry) {
    if (entry.dropped) return h("span", { class: "status dropped", text: "dropped" });
    if (entry.status === null || entry.status === undefined) return h("span", { class: "status pending", text: "…" });
    return h("span", { class: `status s${String(entry.status)[0]}`, text: String(entry.status) });
  }

  function methodBadge(method) {
    return h("span", { class: `method ${/^[A-Z]+$/.test(method) ? method : ""}`, text: method });
  }

  // companies(c0a00001-0000-4000-8000-000000000001)/customers -> companies(c0a00001…)/customers
  const GUID_KEY = /\(([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/gi;
  const shortPath = (path) => path.replace(GUID_KEY, "($1…)");

  function queryOf(url) {
    const at = url.indexOf("?");
    return at < 0 ? "" : url.slice(at);
  }

  // --- views ---------------------------------------------------------------------------------

  const VIEWS = ["requests", "faults", "data", "webhooks"];

  function showView(name) {
    if (!VIEWS.includes(name)) name = "requests";
    state.view = name;
    for (const section of document.querySelectorAll("section.view")) section.hidden = section.dataset.view !== name;
    for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.view === name);
    refresh();
  }

  window.addEventListener("hashchange", () => showView(location.hash.slice(1)));

  // --- the poll ----------------------------------------------------------------------------------

  let timer = null;
  let busy = false; // one refresh at a time: a call meanwhile asks for another one after it
  let again = false;

  // Ask bc_mock for news: its health (the counts in the tabs), then what the view shows.
  // ``now``: at once, whatever the view's own pace (a view was opened, something changed).
  async function refresh(now = true) {
    if (busy) {
      again = again || now;
      return;
    }
    busy = true;
    clearTimeout(timer);
    try {
      const health = await api("health");
      setOnline(true);
      $("requests-count").textContent = thousands(health.journal.entries);
      $("faults-count").textContent = health.faultRules.rules ? thousands(health.faultRules.rules) : "";
      if (state.view === "requests") await loadRequests();
      else if (state.view === "faults") await loadRules();
      else if (state.view === "data" && (now || state.ticks % 3 === 0)) await loadData();
      else if (state.view === "webhooks") await loadWebhooks();
      if (state.view !== "faults" && (now || state.ticks % 5 === 0)) await loadRules();
    } catch (error) {
      setOnline(false, error);
    }
    state.ticks += 1;
    busy = false;
    if (again) {
      again = false;
      refresh();
      return;
    }
    timer = setTimeout(tick, POLL_MS);
  }

  function tick() {
    if (document.hidden) {
      timer = setTimeout(tick, POLL_MS);
      return;
    }
    refresh(false);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });

  function setOnline(online, error) {
    const live = $("live");
    const banner = $("banner");
    if (online) {
      banner.hidden = true;
      live.className = "live " + (state.live || state.view !== "requests" ? "on" : "paused");
      live.textContent = state.live || state.view !== "requests" ? "Live" : "Paused";
    } else {
      live.className = "live off";
      live.textContent = "Offline";
      banner.hidden = false;
      const why = error instanceof ApiError ? error.message : "no answer";
      banner.textContent = `bc_mock does not answer at ${location.host} (${why}); trying again every second.`;
    }
  }

  // --- requests --------------------------------------------------------------------------------

  const filterForm = $("request-filters");

  function readFilters() {
    const filters = {};
    for (const [key, value] of new FormData(filterForm)) {
      if (String(value).trim()) filters[key] = String(value).trim();
    }
    return filters;
  }

  function filtersChanged() {
    state.filters = readFilters();
    state.live = true;
    state.before = null;
    state.signature = "";
    $("download-har").setAttribute("href", "requests.har" + query(state.filters));
    refresh();
  }

  let typing = null;
  const onFilter = (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      if (JSON.stringify(readFilters()) !== JSON.stringify(state.filters)) filtersChanged();
    }, event.target.tagName === "INPUT" ? 250 : 0);
  };
  filterForm.addEventListener("input", onFilter);
  filterForm.addEventListener("change", onFilter);
  filterForm.addEventListener("submit", (event) => event.preventDefault());
  filterForm.addEventListener("reset", () => setTimeout(filtersChanged, 0));

  $("requests-older").addEventListener("click", () => {
    if (!state.rows.length) return;
    state.live = false;
    state.before = state.rows[0].id; // rows are oldest first: the first is the oldest shown
    state.signature = "";
    refresh();
  });
  $("requests-newest").addEventListener("click", () => {
    state.live = true;
    state.before = null;
    state.signature = "";
    refresh();
  });

  async function loadRequests() {
    if (!state.live && state.signature) return; // an older page stays as it is
    const params = { ...state.filters, summary: "true", limit: PAGE, before: state.live ? null : state.before };
    const page = await api("requests" + query(params));
    const rows = page.value;
    const signature = rows.map((e) => `${e.id}:${e.status}:${e.durationMs}:${e.dropped}`).join(",") + `|${page.more}`;
    if (signature !== state.signature) {
      state.signature = signature;
      state.rows = rows;
      renderRequests(rows, page.more);
    }
    if (!state.firstRows) {
      state.firstRows = true;
      performance.mark("bc_mock:first-rows");
      document.documentElement.dataset.firstRows = "shown";
    }
    if (state.detail && (state.detail.status === null || state.detail.status === undefined) && !state.detail.dropped) {
      await openDetail(state.detail.id, false);
    }
  }

  function renderRequests(rows, more) {
    const body = $("requests-body");
    const seen = state.seen;
    state.seen = new Set(rows.map((e) => e.id));
    const fragment = document.createDocumentFragment();
    for (let i = rows.length - 1; i >= 0; i -= 1) {
      const e = rows[i];
      const where = e.environment && e.environment !== "production" ? `${e.tenant} · ${e.environment}` : e.tenant;
      const row = h(
        "tr",
        { "data-id": e.id, class: [e.id === state.selected ? "selected" : "", seen && !seen.has(e.id) ? "fresh" : ""].join(" ").trim() || null },
        h("td", { class: "num muted", text: e.id }),
        h("td", { class: "time", text: clockTime(e.time), title: e.time }),
        h("td", null, methodBadge(e.method)),
        h(
          "td",
          { class: "path", title: e.batchId === null ? e.url : `${e.url}\n(an operation of the $batch #${e.batchId})` },
          h(
            "div",
            { class: "path-line" },
            e.batchId === null ? null : h("span", { class: "batch-tag", text: `⤷ #${e.batchId}` }),
            h("span", { class: "p" }, h("span", { text: shortPath(e.apiPath || e.path) })),
            h("span", { class: "query", text: queryOf(e.url) }),
          ),
        ),
        h("td", null, statusBadge(e), e.rateLimited ? h("span", { class: "muted", text: " rate limit" }) : null),
        h("td", { class: "num", text: ms(e.durationMs) }),
        h("td", { class: "tenant", text: where || "", title: where || "" }),
        h("td", null, e.fault ? h("span", { class: "fault-chip", text: e.fault, title: `fault rule ${e.fault}` }) : null),
      );
      fragment.append(row);
    }
    body.replaceChildren(fragment);
    $("requests-empty").hidden = rows.length > 0;
    $("requests-empty").textContent = Object.keys(state.filters).length
      ? "No request matches these filters."
      : "No request yet. Point your client at this server; its requests show up here as they arrive.";
    const filtered = Object.keys(state.filters).length > 0;
    let summary;
    if (!rows.length) summary = filtered ? "No match" : "Empty journal";
    else if (state.live) {
      summary = more
        ? `The newest ${thousands(rows.length)} ${filtered ? "matching " : ""}requests, live`
        : `${thousands(rows.length)} ${filtered ? "matching " : ""}request${rows.length === 1 ? "" : "s"}, live`;
    } else summary = `Requests #${rows[0].id} to #${rows[rows.length - 1].id} (older page: not live)`;
    $("requests-summary").textContent = summary;
    $("requests-older").disabled = !more;
    $("requests-newest").disabled = state.live;
    setOnline(true);
  }

  $("requests-body").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-id]");
    if (row) openDetail(Number(row.dataset.id), true);
  });

  async function openDetail(id, select) {
    if (select) {
      state.selected = id;
      for (const row of document.querySelectorAll("#requests-body tr")) {
        row.classList.toggle("selected", Number(row.dataset.id) === id);
      }
    }
    let entry;
    try {
      entry = await api(`requests/${id}`);
    } catch (error) {
      state.detail = null;
      replace($("detail-content"), h("p", { class: "placeholder", text: error.message }));
      $("detail-placeholder").hidden = true;
      $("detail-content").hidden = false;
      return;
    }
    if (state.selected !== id) return; // another row was chosen meanwhile
    state.detail = entry;
    let operations = null;
    if ((entry.apiPath || entry.path).endsWith("$batch")) {
      operations = (await api("requests" + query({ batch: entry.id, summary: "true" }))).value;
    }
    renderDetail(entry, operations);
  }

  // Headers, folded under their count (a click shows them); the body comes first.
  function headersTable(headers, open) {
    const entries = Object.entries(headers || {});
    if (!entries.length) return h("p", { class: "muted", text: "(no headers recorded)" });
    return h(
      "details",
      { class: "headers", open },
      h("summary", { text: `${entries.length} header${entries.length === 1 ? "" : "s"}` }),
      h("table", { class: "headers" }, h("tbody", null, entries.map(([name, value]) => h("tr", null, h("td", { text: name }), h("td", { text: value }))))),
    );
  }

  function bodyBlock(value, truncated, size) {
    const parts = [];
    if (truncated) parts.push(h("p", { class: "note", text: `Cut: the journal keeps the first bytes of this ${thousands(size)}-byte body (--journal-body-limit).` }));
    if (value === null || value === undefined) parts.push(h("p", { class: "muted", text: "(no body)" }));
    else if (typeof value === "string") parts.push(h("pre", { class: "text", text: value }));
    else parts.push(jsonBlock(value));
    return parts;
  }

  function curlOf(entry) {
    const quote = (text) => "'" + String(text).replace(/'/g, "'\\''") + "'";
    const skip = new Set(["host", "content-length", "connection", "accept-encoding", "transfer-encoding"]);
    const lines = [`curl${entry.method === "GET" ? "" : " -X " + entry.method} ${quote(entry.url)}`];
    for (const [name, value] of Object.entries(entry.headers || {})) {
      if (!skip.has(name.toLowerCase())) lines.push(`-H ${quote(`${name}: ${value}`)}`);
    }
    if (entry.body !== null && entry.body !== undefined) {
      lines.push(`--data-raw ${quote(typeof entry.body === "string" ? entry.body : toJSON(entry.body))}`);
    }
    return lines.join(" \\\n  ");
  }

  async function copyText(text, button, fallbackNode) {
    const done = (label) => {
      const before = button.textContent;
      button.textContent = label;
      setTimeout(() => (button.textContent = before), 1500);
    };
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      done("Copied");
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents(fallbackNode);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done(document.execCommand && document.execCommand("copy") ? "Copied" : "Selected: press Ctrl+C");
    }
  }

  function entryLink(id, label) {
    return h("a", { text: label, onclick: () => openDetail(id, true) });
  }

  function renderDetail(entry, operations) {
    const content = $("detail-content");
    const curl = curlOf(entry);
    const curlNode = h("pre", { class: "curl", text: curl });
    const copy = h("button", { type: "button", class: "button small", id: "copy-curl", text: "Copy as curl" });
    copy.addEventListener("click", () => copyText(curl, copy, curlNode));
    const reason = entry.dropped ? "connection dropped" : entry.status ? REASONS[entry.status] || "" : "being served";
    const meta = h("dl", { class: "meta" });
    const add = (label, ...value) => append(meta, [h("dt", { text: label }), h("dd", null, ...value)]);
    add("Time", `${entry.time}`);
    add("Tenant", entry.tenant || "", entry.environment ? ` · ${entry.environment}` : "");
    if (entry.fault || (entry.faults && entry.faults.length)) {
      const fired = entry.faults && entry.faults.length ? entry.faults : [entry.fault];
      add("Fault", ...fired.map((id) => h("a", { class: "fault-chip", text: id, title: "Show the fault rules", onclick: () => (location.hash = "#faults") })), fired.length > 1 ? " (all fired)" : "");
    }
    if (entry.batchId !== null && entry.batchId !== undefined) add("Batch", entryLink(Number(entry.batchId), `#${entry.batchId}: the $batch request it is an operation of`));
    if (operations) {
      add("Operations", operations.length
        ? h("ol", { class: "operations" }, operations.map((op) => h("li", null, entryLink(op.id, `#${op.id} ${op.method} ${shortPath(op.apiPath || op.path)}`), " → ", statusBadge(op))))
        : h("span", { class: "muted", text: "none recorded" }));
    }
    if (entry.rateLimited) add("Rate limit", "refused: over --rate-limit");
    if (entry.dropped) add("Dropped", "the connection was closed without an answer");
    replace(
      content,
      h(
        "div",
        { class: "detail-head" },
        h("div", { class: "line" }, methodBadge(entry.method), statusBadge(entry), h("strong", { text: reason }), h("span", { class: "muted", text: entry.durationMs === null ? "" : `${ms(entry.durationMs)} ms` }), h("span", { class: "muted", text: `#${entry.id}` })),
        h("p", { class: "url", text: entry.url }),
        h("div", { class: "tools" }, copy, h("a", { class: "button small ghost", href: `requests/${entry.id}`, target: "_blank", rel: "noopener", text: "JSON" })),
      ),
      meta,
      h(
        "div",
        { class: "part request" },
        h("h3", { text: "Request" }),
        bodyBlock(entry.body, entry.bodyTruncated, entry.bodySize),
        headersTable(entry.headers, state.headersOpen),
      ),
      h(
        "div",
        { class: "part response" },
        h("h3", null, "Response", statusBadge(entry)),
        bodyBlock(entry.responseBody, entry.responseBodyTruncated, entry.responseBodySize),
        entry.responseHeaders ? headersTable(entry.responseHeaders, state.headersOpen) : null,
      ),
      h("div", { class: "part" }, h("h3", { text: "As curl" }), curlNode, /\[redacted\]/.test(curl) ? h("p", { class: "hint", text: "The journal hides credentials: put yours where it says [redacted]." }) : null),
    );
    for (const folded of content.querySelectorAll("details.headers")) {
      folded.addEventListener("toggle", () => (state.headersOpen = folded.open)); // kept for the next request
    }
    $("detail-placeholder").hidden = true;
    content.hidden = false;
  }

  // --- faults ------------------------------------------------------------------------------------

  function describeMatch(rule) {
    const parts = [];
    const methods = Array.isArray(rule.method) ? rule.method.join(", ") : rule.method;
    parts.push(h("code", { text: `${methods || "any"} ${rule.path || "*"}` }));
    if (rule.tenant) parts.push(h("div", { class: "muted", text: `tenant ${rule.tenant}` }));
    if (rule.environment) parts.push(h("div", { class: "muted", text: `environment ${rule.environment}` }));
    if (rule.header) parts.push(h("div", { class: "muted", text: `header ${toJSON(rule.header)}` }));
    return parts;
  }

  function describeEffect(rule) {
    const bits = [];
    if (rule.preset) bits.push(rule.preset);
    if (rule.status) bits.push(String(rule.status));
    if (rule.error) bits.push(`error ${toJSON(rule.error)}`);
    if (rule.drop) bits.push("drop the connection");
    if (rule.delayMs !== undefined) bits.push(`delay ${Array.isArray(rule.delayMs) ? rule.delayMs.join("–") : rule.delayMs} ms`);
    if (rule.headers && Object.keys(rule.headers).length) bits.push(`headers ${toJSON(rule.headers)}`);
    return bits.join(", ") || "nothing";
  }

  function describeWhen(rule) {
    const bits = [];
    if (rule.times !== undefined) bits.push(`${rule.times} time${Number(rule.times) === 1 ? "" : "s"}`);
    if (rule.after !== undefined) bits.push(`after ${rule.after}`);
    if (rule.every !== undefined) bits.push(`every ${rule.every}`);
    if (rule.probability !== undefined) bits.push(`p=${rule.probability}${rule.seed !== undefined ? ` seed ${rule.seed}` : ""}`);
    return bits.join(", ") || "always";
  }

  async function loadRules() {
    const rules = (await api("faults?tenant=*")).value;
    const signature = toJSON(rules);
    state.rules = rules;
    if (signature !== state.filterSignature) {
      state.filterSignature = signature;
      renderFaultFilter(rules);
    }
    if (state.view !== "faults" || signature === state.ruleSignature) return;
    state.ruleSignature = signature;
    const body = $("faults-body");
    body.replaceChildren(
      ...rules.map((rule) =>
        h(
          "tr",
          { "data-rule": rule.id, class: rule.expired ? "expired" : null },
          h("td", null, h("span", { class: "rule-id", text: rule.id }), rule.expired ? h("div", { class: "muted", text: "expired" }) : null),
          h("td", null, describeMatch(rule)),
          h("td", { text: describeEffect(rule) }),
          h("td", { text: describeWhen(rule) }),
          h("td", { class: "num hits", text: rule.hits }),
          h("td", { class: "num", text: rule.matches }),
          h("td", { class: "num" }, h("button", { type: "button", class: "button ghost small danger-text", "data-remove": rule.id, text: "Remove" })),
        ),
      ),
    );
    $("faults-empty").hidden = rules.length > 0;
    $("faults-clear").disabled = rules.length === 0;
    $("faults-summary").textContent = rules.length
      ? `${rules.length} rule${rules.length === 1 ? "" : "s"}, tried in the order they were added`
      : "No rules";
  }

  function renderFaultFilter(rules) {
    const select = $("fault-filter");
    const chosen = select.value;
    select.replaceChildren(
      h("option", { value: "", text: "any request" }),
      h("option", { value: "*", text: "a fault fired" }),
      ...rules.map((rule) => h("option", { value: rule.id, text: `rule ${rule.id}` })),
    );
    if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
    else if (chosen) select.append(h("option", { value: chosen, text: `rule ${chosen}`, selected: true }));
  }

  $("faults-body").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-remove]");
    if (!button) return;
    button.disabled = true;
    try {
      await api(`faults/${encodeURIComponent(button.dataset.remove)}?tenant=*`, { method: "DELETE" });
    } catch (error) {
      showFormError("fault-error", error.message);
    }
    state.ruleSignature = "";
    refresh();
  });

  $("faults-clear").addEventListener("click", async () => {
    if (!(await confirmAction("Remove every fault rule?", "Every tenant's rules go; requests are answered normally again.", "Remove all"))) return;
    await api("faults?tenant=*", { method: "DELETE" });
    state.ruleSignature = "";
    refresh();
  });

  const faultForm = $("fault-form");

  function ruleFromForm(preset) {
    const form = new FormData(faultForm);
    const text = (name) => String(form.get(name) || "").trim();
    const json = text("json");
    if (json && !preset) return json; // sent as written: bc_mock says what is wrong with it
    const rule = {};
    for (const name of ["method", "path", "tenant"]) if (text(name)) rule[name] = text(name);
    if (preset) return { ...rule, preset };
    if (text("preset")) rule.preset = text("preset");
    for (const name of ["status", "times", "after", "every"]) if (text(name)) rule[name] = Number.parseInt(text(name), 10);
    for (const name of ["delayMs", "probability"]) if (text(name)) rule[name] = Number(text(name));
    if (text("errorCode") || text("errorMessage")) {
      rule.error = {};
      if (text("errorCode")) rule.error.code = text("errorCode");
      if (text("errorMessage")) rule.error.message = text("errorMessage");
    }
    return rule;
  }

  function showFormError(id, message) {
    const node = $(id);
    node.textContent = message || "";
    node.hidden = !message;
  }

  async function addRule(rule) {
    showFormError("fault-error", "");
    try {
      await api("faults", { method: "POST", body: rule });
    } catch (error) {
      showFormError("fault-error", error.message);
      return false;
    }
    state.ruleSignature = "";
    await refresh();
    return true;
  }

  faultForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const rule = ruleFromForm(null);
    if (typeof rule === "object" && !rule.preset && !rule.status && rule.delayMs === undefined && !rule.error) {
      showFormError("fault-error", "Give the rule a preset, a status, a delay or an error: what should happen to the requests it matches?");
      return;
    }
    if (await addRule(rule)) faultForm.reset();
  });

  $("preset-buttons").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-preset]");
    if (button) addRule(ruleFromForm(button.dataset.preset));
  });

  // --- data ---------------------------------------------------------------------------------------

  async function loadData() {
    const listed = (await api("data")).value;
    const select = $("namespace");
    const options = listed.length ? listed : [{ tenant: "default", environment: "production", seed: true }];
    const keys = options.map((ns) => `${ns.tenant}/${ns.environment}`);
    const current = state.data.namespace && keys.includes(state.data.namespace) ? state.data.namespace : keys[0];
    if ([...select.options].map((o) => o.value).join("\n") !== keys.join("\n")) {
      select.replaceChildren(...options.map((ns, i) => h("option", { value: keys[i], text: ns.seed ? `${keys[i]} (the seed)` : keys[i] })));
    }
    select.value = current;
    $("namespace-note").textContent = listed.length
      ? `${listed.length} tenant environment${listed.length === 1 ? " holds" : "s hold"} data.`
      : "No request has reached a tenant yet: this is the seed every tenant starts from.";
    if (state.data.namespace !== current) {
      state.data = { namespace: current, company: null, set: null, skip: 0, count: 0 };
    }
    await loadOverview();
  }

  $("namespace").addEventListener("change", (event) => {
    state.data = { namespace: event.target.value, company: null, set: null, skip: 0, count: 0 };
    loadOverview();
  });

  function nsPath() {
    return state.data.namespace.split("/").map(encodeURIComponent).join("/");
  }

  async function loadOverview() {
    const overview = await api(`data/${nsPath()}`);
    const box = $("companies");
    box.replaceChildren(
      ...overview.companies.map((company) =>
        h(
          "div",
          { class: "company" },
          h("h4", { text: company.displayName || company.name }),
          h("div", { class: "id", text: company.id }),
          h(
            "ul",
            { class: "sets" },
            company.sets.map((set) =>
              h(
                "li",
                {
                  "data-company": company.id,
                  "data-set": set.name,
                  class: state.data.company === company.id && state.data.set === set.name ? "selected" : null,
                },
                h("span", { text: set.name }),
                h("span", { class: "n", text: thousands(set.count) }),
              ),
            ),
          ),
        ),
      ),
    );
    if (state.data.set) await loadRecords();
  }

  $("companies").addEventListener("click", (event) => {
    const item = event.target.closest("li[data-set]");
    if (!item) return;
    state.data.company = item.dataset.company;
    state.data.set = item.dataset.set;
    state.data.skip = 0;
    for (const li of document.querySelectorAll("#companies li")) li.classList.toggle("selected", li === item);
    loadRecords();
  });

  $("records-prev").addEventListener("click", () => {
    state.data.skip = Math.max(0, state.data.skip - RECORDS_PAGE);
    loadRecords();
  });
  $("records-next").addEventListener("click", () => {
    state.data.skip += RECORDS_PAGE;
    loadRecords();
  });

  const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  // A record's cell: its value as text; a reference (a GUID other than the record's own id)
  // shortened to its first eight digits, the whole of it in the cell's title.
  function recordCell(name, value) {
    const text = cell(value);
    const shown = name !== "id" && GUID.test(text) ? `${text.slice(0, 8)}…` : text;
    return h("td", { text: shown, title: text });
  }

  function cell(value) {
    if (value === null || value === undefined) return "";
    if (value instanceof Num) return value.text;
    if (typeof value === "object") return toJSON(value);
    return String(value);
  }

  async function loadRecords() {
    const { company, set, skip } = state.data;
    const page = await api(`data/${nsPath()}/companies(${encodeURIComponent(company)})/${encodeURIComponent(set)}` + query({ $top: RECORDS_PAGE, $skip: skip }));
    if (page.count && skip >= page.count) {
      state.data.skip = Math.max(0, Math.floor((page.count - 1) / RECORDS_PAGE) * RECORDS_PAGE);
      return loadRecords();
    }
    state.data.count = page.count;
    const records = page.value;
    const columns = [];
    for (const record of records) for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
    const shown = columns.filter((c) => c !== "@odata.etag").concat(columns.includes("@odata.etag") ? ["@odata.etag"] : []);
    const table = $("records-table");
    replace(table.tHead, h("tr", null, shown.map((c) => h("th", { text: c }))));
    replace(table.tBodies[0], records.map((record) => h("tr", null, shown.map((c) => recordCell(c, record[c])))));
    $("records-title").textContent = `${set}`;
    $("records-range").textContent = page.count ? `${thousands(skip + 1)}–${thousands(skip + records.length)} of ${thousands(page.count)}` : "no records";
    $("records-prev").disabled = skip === 0;
    $("records-next").disabled = skip + records.length >= page.count;
  }

  // --- webhooks and the clock ---------------------------------------------------------------

  function genericTable(title, columns, rows) {
    return h(
      "div",
      { class: "card" },
      h("h2", { text: `${title} (${rows.length})` }),
      h(
        "div",
        { class: "table-wrap" },
        rows.length
          ? h("table", { class: "grid records" }, h("thead", null, h("tr", null, columns.map((c) => h("th", { text: c })))), h("tbody", null, rows.map((row) => h("tr", null, columns.map((c) => h("td", { text: cell(row[c]), title: cell(row[c]) }))))))
          : h("p", { class: "empty", text: "None." }),
      ),
    );
  }

  // a delivery's notifications, one line each: "created …/customers(id)"
  function notified(delivery) {
    const items = (delivery.body && delivery.body.value) || [];
    return items.map((item) => `${item.changeType} ${item.resource}`).join("\n");
  }

  async function loadWebhooks() {
    const clock = await api("clock");
    $("clock-now").textContent = clock.now;
    $("clock-frozen").textContent = clock.frozen ? "frozen" : "running";
    const hooks = await api("webhooks");
    const subscriptions = hooks.subscriptions.map((s) => ({ ...s, pending: s.pending.length }));
    const deliveries = hooks.deliveries.slice().reverse().map((d) => ({ ...d, notifications: notified(d) }));
    replace($("webhook-tables"), [
      genericTable("Subscriptions", ["subscriptionId", "tenant", "environment", "entitySet", "notificationUrl", "expirationDateTime", "pending", "nextJob"], subscriptions),
      genericTable("Deliveries, newest first", ["time", "kind", "url", "attempt", "status", "result", "error", "notifications"], deliveries),
    ]);
  }

  $("webhooks-flush").addEventListener("click", async () => {
    showFormError("clock-error", "");
    try {
      await api("webhooks/flush", { method: "POST" });
    } catch (error) {
      showFormError("clock-error", error.message);
    }
    refresh();
  });

  $("clock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const seconds = Number(new FormData(event.target).get("seconds"));
    showFormError("clock-error", "");
    try {
      await api("clock", { method: "POST", body: { advanceSeconds: seconds } });
    } catch (error) {
      showFormError("clock-error", error.message);
    }
    refresh();
  });

  // --- reset, with a confirmation -------------------------------------------------------------

  function confirmAction(title, text, ok) {
    const dialog = $("confirm");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = ok;
    return new Promise((resolve) => {
      const finish = (answer) => {
        dialog.removeEventListener("close", onClose);
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      const onClose = () => finish(false); // Escape
      dialog.addEventListener("close", onClose);
      $("confirm-ok").onclick = () => finish(true);
      $("confirm-cancel").onclick = () => finish(false);
      dialog.showModal();
      $("confirm-cancel").focus();
    });
  }

  $("reset").addEventListener("click", async () => {
    const sure = await confirmAction(
      "Reset bc_mock?",
      "Every tenant's data goes back to the seed; fault rules (but those of --faults), the request journal, rate-limit counts and webhook subscriptions are cleared; the clock goes back to where the server started it.",
      "Reset",
    );
    if (!sure) return;
    await api("reset", { method: "POST" });
    state.selected = null;
    state.detail = null;
    state.signature = "";
    state.ruleSignature = "";
    state.data = { namespace: null, company: null, set: null, skip: 0, count: 0 };
    $("detail-content").hidden = true;
    $("detail-placeholder").hidden = false;
    refresh();
  });

  // --- start ---------------------------------------------------------------------------------

  state.filters = readFilters();
  showView(location.hash.slice(1) || "requests");
})();
