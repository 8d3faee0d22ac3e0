// Carousel Studio in the browser: the index and a thread's studio page.
// No build step, no framework: the server's JSON API and server-sent events drive it.
"use strict";

const TOKEN = document.querySelector('meta[name="carousel-token"]').content;
const SESSION = document.querySelector('meta[name="carousel-session"]').content;
const PAGE = document.body.dataset.page;
const SLUG = document.body.dataset.slug;

// ---------------------------------------------------------------- small helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function toast(message, kind = "ok", lines = []) {
  const box = el("div", { class: `toast ${kind}` }, el("strong", { text: message }),
    lines.length ? el("ul", {}, lines.map((line) => el("li", { text: line }))) : null);
  document.getElementById("toasts").append(box);
  setTimeout(() => box.classList.add("gone"), kind === "ok" ? 2600 : 9000);
  setTimeout(() => box.remove(), kind === "ok" ? 3200 : 9600);
}

async function getJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Carousel-Token": TOKEN },
    body: JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch (error) { data = { errors: [`HTTP ${response.status}`] }; }
  return { status: response.status, data };
}

function liveEvents(onEvent) {
  const live = document.getElementById("live");
  const source = new EventSource("/events");
  source.addEventListener("open", () => { live.textContent = "live"; live.className = "live on"; });
  source.addEventListener("error", () => { live.textContent = "reconnecting…"; live.className = "live off"; });
  for (const name of ["hello", "build", "config"]) {
    source.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      // the server restarted: this page's session token is void, load the page afresh
      if (name === "hello" && data.session !== SESSION) { window.location.reload(); return; }
      onEvent(name, data);
    });
  }
  return source;
}

function formatDate(iso) {
  if (!iso) return "no date";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function statusChip(status) {
  return el("span", { class: `chip ${status}`, text: status });
}

// ---------------------------------------------------------------- the index

function renderIndex(data) {
  const holder = document.getElementById("threads");
  const errors = document.getElementById("config-errors");
  errors.hidden = !data.config_errors.length;
  errors.replaceChildren(el("strong", { text: "carousel.yaml cannot be used:" }),
    el("ul", {}, data.config_errors.map((line) => el("li", { text: line }))));
  if (!data.threads.length) {
    holder.replaceChildren(el("p", { class: "empty", text: "No threads yet: add a Markdown file under content/." }));
    return;
  }
  holder.replaceChildren(...data.threads.map((thread) => {
    const first = thread.slides[0];
    const thumb = el("div", { class: "thumb" }, first ? el("img", { src: first.url, alt: `First slide of ${thread.title}`, loading: "lazy" }) : el("span", { text: thread.errors.length ? "failed" : "building…" }));
    thumb.style.setProperty("--ratio", `${thread.canvas.width} / ${thread.canvas.height}`);
    const meta = el("div", { class: "meta" },
      statusChip(thread.status),
      el("span", { text: formatDate(thread.date) }),
      el("span", { text: `${thread.slide_count} slides` }));
    const problems = el("div", { class: "problems" },
      thread.errors.length ? el("span", { class: "bad", text: `✕ ${thread.errors.length} error${thread.errors.length > 1 ? "s" : ""}` }) : null,
      thread.warnings.length ? el("span", { class: "warn", title: thread.warnings.join("\n"), text: `⚠ ${thread.warnings.length} warning${thread.warnings.length > 1 ? "s" : ""}` }) : null);
    return el("a", { class: "card", href: thread.url, dataset: { slug: thread.slug } }, thumb,
      el("div", { class: "card-body" }, el("h2", { text: thread.title }), el("code", { text: thread.source }), meta, problems));
  }));
}

async function startIndex() {
  const refresh = async () => renderIndex(await getJSON("/api/threads"));
  await refresh();
  let pending = null;
  liveEvents(() => { clearTimeout(pending); pending = setTimeout(refresh, 60); });
}

// ---------------------------------------------------------------- a thread's studio

const studio = { detail: null, index: 0, view: "carousel", busy: false, connected: false };

function slideLeft(slide) {
  // the scroll position that centres a slide in the track
  const track = document.getElementById("track");
  return slide.offsetLeft - (track.clientWidth - slide.clientWidth) / 2;
}

function nearestSlide() {
  const track = document.getElementById("track");
  let best = 0;
  Array.from(track.children).forEach((slide, i) => {
    if (Math.abs(slideLeft(slide) - track.scrollLeft) < Math.abs(slideLeft(track.children[best]) - track.scrollLeft)) best = i;
  });
  return best;
}

function markCurrent() {
  Array.from(document.getElementById("track").children).forEach((slide, i) => slide.classList.toggle("current", i === studio.index));
}

function goTo(index, smooth = true) {
  const track = document.getElementById("track");
  const count = studio.detail ? studio.detail.slides.length : 0;
  studio.index = Math.max(0, Math.min(index, count - 1));
  const slide = track.children[studio.index];
  if (slide) track.scrollTo({ left: slideLeft(slide), behavior: smooth ? "smooth" : "auto" });
  markCurrent();
  updateCounter();
}

function updateCounter() {
  const count = studio.detail ? studio.detail.slides.length : 0;
  document.getElementById("counter").replaceChildren(
    el("span", { text: count ? `${studio.index + 1} / ${count}` : "no slides yet" }),
    el("span", { class: "dots" }, Array.from({ length: count }, (_, i) => el("button", {
      type: "button", class: i === studio.index ? "dot on" : "dot", "aria-label": `Slide ${i + 1}`, onclick: () => goTo(i),
    }))));
}

function setView(view) {
  studio.view = view;
  document.getElementById("carousel").hidden = view !== "carousel";
  document.getElementById("counter").hidden = view !== "carousel";
  document.getElementById("grid").hidden = view !== "grid";
  for (const name of ["carousel", "grid"]) {
    const button = document.getElementById(`view-${name}`);
    button.classList.toggle("on", name === view);
    button.setAttribute("aria-pressed", String(name === view));
  }
  if (view === "carousel") goTo(studio.index, false);
}

function renderSlides(detail) {
  const track = document.getElementById("track");
  const grid = document.getElementById("grid");
  const ratio = `${detail.canvas.width} / ${detail.canvas.height}`;
  document.getElementById("preview").style.setProperty("--ratio", ratio);
  document.getElementById("preview").style.setProperty("--aspect", String(detail.canvas.width / detail.canvas.height));
  const sameCount = track.children.length === detail.slides.length;
  if (sameCount) {
    // only the pictures change: the page, the carousel and the grid stay where they are
    detail.slides.forEach((slide, i) => {
      const trackImage = track.children[i].querySelector("img");
      if (trackImage.getAttribute("src") !== slide.url) trackImage.src = slide.url;
      const gridImage = grid.children[i].querySelector("img");
      if (gridImage.getAttribute("src") !== slide.url) gridImage.src = slide.url;
    });
  } else {
    const keepScroll = window.scrollY;
    track.replaceChildren(...detail.slides.map((slide, i) => el("figure", { class: "slide", onclick: () => goTo(i) },
      el("img", { src: slide.url, alt: `Slide ${slide.index}`, draggable: "false" }))));
    grid.replaceChildren(...detail.slides.map((slide, i) => el("button", { type: "button", class: "tile", onclick: () => { setView("carousel"); goTo(i, false); } },
      el("img", { src: slide.url, alt: `Slide ${slide.index}`, loading: "lazy" }), el("span", { text: String(slide.index) }))));
    window.scrollTo(0, keepScroll);
    goTo(studio.index, false);
  }
  updateCounter();
}

function renderOverlay(detail) {
  const errors = [...detail.config_errors, ...detail.errors];
  const overlay = document.getElementById("overlay");
  overlay.hidden = !errors.length;
  document.getElementById("overlay-errors").replaceChildren(...errors.map((line) => el("li", {}, el("code", { text: line }))));
}

// --- writing changes

async function writeOptions(options, post = null, what = "") {
  const detail = studio.detail;
  const body = { sha256: detail.sha256, options };
  if (post !== null) body.post = post;
  setBusy(true);
  const { status, data } = await postJSON(`/api/threads/${encodeURIComponent(SLUG)}/options`, body);
  if (status === 200) {
    detail.sha256 = data.sha256;
    if (!data.changed) setBusy(false);
    toast(`Saved ${what || Object.keys(options).join(", ")} to ${data.source}`);
  } else {
    setBusy(false);
    toast(status === 409 ? "The file changed on disk" : "Not saved", "bad", data.errors || []);
    await refreshThread();
  }
  return status === 200;
}

function setBusy(busy) {
  studio.busy = busy;
  document.getElementById("busy").hidden = !busy;
}

// --- the controls

function frontValue(path) {
  let value = studio.detail.front_matter;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[key];
  }
  return value;
}

function patternName() {
  const value = frontValue(["pattern"]);
  return typeof value === "string" ? value : value && value.name;
}

function shown(value) {
  return typeof value === "boolean" ? (value ? "on" : "off") : String(value ?? "none");
}

function selectControl({ id, label, choices, current, inherited, onchange, inheritLabel = "inherit", custom = null }) {
  // `custom`: a value the file sets that no choice names (a {width, height} canvas); kept until another is picked
  const select = el("select", { id, name: id, onchange: (event) => { if (event.target.value !== "\u0000custom") onchange(event.target.value || null); } },
    el("option", { value: "", text: inherited === null || inherited === undefined ? inheritLabel : `${inheritLabel} (${shown(inherited)})` }),
    custom ? el("option", { value: "\u0000custom", text: custom, selected: true }) : null,
    choices.map((choice) => el("option", { value: choice, text: choice, selected: choice === current })));
  return el("label", { class: "field", for: id }, el("span", { text: label }), select);
}

function numberControl({ id, label, current, inherited, onchange, min, max, step }) {
  const input = el("input", { id, name: id, type: "number", min, max, step, value: current ?? "", placeholder: String(inherited ?? ""),
    onchange: (event) => onchange(event.target.value === "" ? null : Number(event.target.value)) });
  return el("label", { class: "field small", for: id }, el("span", { text: label }), input);
}

function toggleControl({ id, label, checked, onchange }) {
  const input = el("input", { id, name: id, type: "checkbox", checked, onchange: (event) => onchange(event.target.checked) });
  return el("label", { class: "toggle", for: id }, input, el("span", { class: "switch", "aria-hidden": "true" }), el("span", { text: label }));
}

function section(title, ...children) {
  return el("section", { class: "group" }, el("h3", { text: title }), ...children);
}

function renderControls(detail) {
  const holder = document.getElementById("controls");
  if (holder.contains(document.activeElement) && document.activeElement.matches("input[type=text], input[type=number]")) {
    return; // do not pull a field from under the user's fingers; the next rebuild redraws
  }
  const r = detail.resolved || {};
  const choices = detail.choices;
  const fm = detail.front_matter;
  const set = (key, what) => (value) => writeOptions({ [key]: value }, null, what || key);
  const typo = (key) => (value) => writeOptions({ typography: { [key]: value } }, null, `typography.${key}`);
  const actions = (r.actions || []).slice(0, 3);
  while (actions.length < 3) actions.push({ icon: "", text: "" });
  const ownActions = frontValue(["outro", "actions"]) || [];
  const ctaInputs = actions.map((action, i) => el("input", {
    id: `cta-${i + 1}`, type: "text", value: ownActions[i] ? (ownActions[i].text ?? ownActions[i]) : "", placeholder: action.text || `CTA #${i + 1}`,
    onchange: () => writeCtas(actions),
  }));
  const presetName = el("input", { id: "preset-name", type: "text", placeholder: "preset name, e.g. linkedin-dark" });
  holder.replaceChildren(
    section("Canvas & layout",
      selectControl({ id: "canvas", label: "Canvas", choices: choices.canvas, current: typeof fm.canvas === "string" ? fm.canvas : null, inherited: r.canvas, onchange: set("canvas"),
        custom: fm.canvas && typeof fm.canvas === "object" ? `custom ${fm.canvas.width}×${fm.canvas.height}` : null }),
      selectControl({ id: "layout", label: "Post layout", choices: choices.layout, current: fm.layout, inherited: r.layout, onchange: set("layout") }),
      selectControl({ id: "fit", label: "Text that does not fit", choices: choices.fit, current: fm.fit === false ? "off" : fm.fit, inherited: r.fit, onchange: set("fit") })),
    section("Look",
      selectControl({ id: "preset", label: "Preset", choices: choices.preset, current: fm.preset, inherited: null, inheritLabel: "no preset", onchange: set("preset") }),
      selectControl({ id: "theme", label: "Theme", choices: choices.theme, current: fm.theme, inherited: r.theme, onchange: set("theme") }),
      selectControl({ id: "pattern", label: "Pattern", choices: choices.pattern, current: patternName(), inherited: r.pattern,
        onchange: (value) => writeOptions({ pattern: typeof fm.pattern === "object" && fm.pattern ? { name: value } : value }, null, "pattern") }),
      numberControl({ id: "pattern-opacity", label: "Pattern opacity", current: frontValue(["pattern", "opacity"]), inherited: r.opacity, min: 0, max: 0.12, step: 0.01,
        onchange: (value) => writeOptions({ pattern: value === null ? { opacity: null } : { name: patternName() || r.pattern || "none", opacity: value } }, null, "pattern opacity") })),
    section("Typography",
      el("div", { class: "row" },
        numberControl({ id: "type-title", label: "Title", current: frontValue(["typography", "title"]), inherited: r.typography && r.typography.title, onchange: typo("title"), min: 8, max: 120, step: 1 }),
        numberControl({ id: "type-body", label: "Body", current: frontValue(["typography", "body"]), inherited: r.typography && r.typography.body, onchange: typo("body"), min: 8, max: 80, step: 1 }),
        numberControl({ id: "type-meta", label: "Meta", current: frontValue(["typography", "meta"]), inherited: r.typography && r.typography.meta, onchange: typo("meta"), min: 6, max: 40, step: 1 }))),
    section("Brand",
      selectControl({ id: "profile", label: "Profile", choices: choices.profile, current: fm.profile, inherited: r.profile, onchange: set("profile") })),
    section("Cover & outro",
      el("div", { class: "row" },
        toggleControl({ id: "cover-show", label: "Cover", checked: r.cover !== false, onchange: (on) => writeOptions({ cover: typeof fm.cover === "object" && fm.cover ? { show: on } : on }, null, "cover") }),
        toggleControl({ id: "outro-show", label: "Outro", checked: r.outro !== false, onchange: (on) => writeOptions({ outro: typeof fm.outro === "object" && fm.outro ? { show: on } : on }, null, "outro") })),
      ctaInputs.map((input, i) => el("label", { class: "field cta", for: input.id }, el("span", { class: "cta-icon", text: actions[i].icon || `#${i + 1}` }), el("span", { text: `CTA #${i + 1}` }), input))),
    section("Save as preset",
      el("p", { class: "hint", text: "Saves this thread's own options into carousel.yaml, for other threads to use." }),
      el("div", { class: "row" }, presetName, el("button", { type: "button", class: "btn", id: "save-preset", onclick: () => savePreset(presetName.value.trim()) }, "Save"))),
  );
}

async function writeCtas(inherited) {
  const inputs = [1, 2, 3].map((n) => document.getElementById(`cta-${n}`).value.trim());
  if (inputs.every((text) => !text)) return writeOptions({ outro: { actions: null } }, null, "outro CTAs");
  const list = inputs.map((text, i) => ({ icon: inherited[i].icon || "", text: text || inherited[i].text })).filter((action) => action.text);
  return writeOptions({ outro: { actions: list } }, null, "outro CTAs");
}

async function savePreset(name) {
  const detail = studio.detail;
  const options = {};
  for (const [key, value] of Object.entries(detail.front_matter)) {
    if (detail.option_keys.includes(key)) options[key] = value;
  }
  const { status, data } = await postJSON("/api/presets", { name, options, config_sha256: detail.config_sha256 });
  if (status === 200) {
    detail.config_sha256 = data.config_sha256;
    toast(`Saved preset '${data.preset}' to carousel.yaml`);
  } else {
    toast("Preset not saved", "bad", data.errors || []);
  }
}

// --- posts and arrangement

function renderPosts(detail) {
  const r = detail.resolved || { post_layouts: {} };
  const holder = document.getElementById("posts");
  holder.replaceChildren(...detail.posts.map((post) => {
    const layout = selectControl({ id: `post-${post.number}-layout`, label: "Layout", choices: detail.choices.layout, current: post.directives.layout,
      inherited: detail.front_matter.layout || (detail.resolved && detail.resolved.layout), inheritLabel: "thread",
      onchange: (value) => writeOptions({ layout: value }, post.number, `post ${post.number} layout`) });
    const image = selectControl({ id: `post-${post.number}-image`, label: "Image", choices: detail.choices.images, current: post.image,
      inherited: null, inheritLabel: "no image", onchange: (value) => writeOptions({ image: value }, post.number, `post ${post.number} image`) });
    return el("article", { class: "post", dataset: { post: String(post.number) } },
      el("div", { class: "post-head" }, el("span", { class: "handle", dataset: { post: String(post.number) }, title: "Drag onto a slide in Arrange", text: `⠿ #${post.number}` }),
        el("span", { class: "layout-tag", text: r.post_layouts[String(post.number)] || "" })),
      el("div", { class: "post-text" },
        post.image ? el("img", { class: "post-image", src: `/project/${post.image.split("/").map(encodeURIComponent).join("/")}`, alt: post.image }) : null,
        el("p", { text: post.excerpt || "(image only)" })),
      el("div", { class: "row" }, layout, image));
  }));
}

function arrangementToSlides(arrangement) {
  return arrangement.map((item) => (Array.isArray(item) ? (item.length === 1 ? item[0] : item) : item));
}

function renderSlots(detail) {
  const holder = document.getElementById("slots");
  const arrangement = detail.arrangement || [];
  const children = [];
  const gap = (position) => el("div", { class: "gap", dataset: { gap: String(position) }, title: "Drop here for a slide of its own" });
  arrangement.forEach((item, position) => {
    children.push(gap(position));
    if (!Array.isArray(item)) {
      children.push(el("div", { class: `slot fixed ${item}`, dataset: { slot: String(position) } }, el("span", { class: "slot-label", text: item })));
      return;
    }
    children.push(el("div", { class: "slot", dataset: { slot: String(position) } },
      el("span", { class: "slot-label", text: `slide ${position + 1}` }),
      item.map((number) => el("span", { class: "chip-post", dataset: { post: String(number) }, title: "Drag to another slide", text: `#${number}` }))));
  });
  children.push(gap(arrangement.length));
  holder.replaceChildren(...children);
}

function moveInArrangement(arrangement, number, target) {
  // take the post out of its slide, then put it on slide `target.slot` or in gap `target.gap`
  let slides = arrangement.map((item) => (Array.isArray(item) ? item.filter((n) => n !== number) : item));
  const marker = {};
  if (target.slot !== undefined) {
    const slot = slides[target.slot];
    if (!Array.isArray(slot)) return null;
    slides[target.slot] = [...slot, number];
  } else {
    slides.splice(target.gap, 0, marker);
  }
  slides = slides.filter((item) => !Array.isArray(item) || item.length);
  return slides.map((item) => (item === marker ? [number] : item));
}

function dropTargetAt(x, y) {
  const hit = document.elementFromPoint(x, y);
  if (!hit) return null;
  const slot = hit.closest(".slot:not(.fixed)");
  if (slot) return { node: slot, slot: Number(slot.dataset.slot) };
  const gapNode = hit.closest(".gap");
  if (gapNode) return { node: gapNode, gap: Number(gapNode.dataset.gap) };
  return null;
}

// Pointer events rather than HTML5 drag and drop: the same code works with a mouse, a pen and a finger.
// A post is dragged by its chip in the arrangement or by the handle on its card.
function enableDragging() {
  document.addEventListener("pointerdown", (down) => {
    const chip = down.target.closest(".chip-post, .post .handle");
    if (!chip || down.button !== 0) return;
    down.preventDefault();
    const number = Number(chip.dataset.post);
    const ghost = el("span", { class: "chip-post ghost", text: `#${number}` });
    document.body.append(ghost);
    chip.classList.add("dragging");
    let target = null;
    const place = (event) => {
      ghost.style.left = `${event.clientX}px`;
      ghost.style.top = `${event.clientY}px`;
      const next = dropTargetAt(event.clientX, event.clientY);
      if (target && (!next || next.node !== target.node)) target.node.classList.remove("over");
      target = next;
      if (target) target.node.classList.add("over");
    };
    place(down);
    const finish = async (event) => {
      document.removeEventListener("pointermove", place);
      document.removeEventListener("pointerup", finish);
      document.removeEventListener("pointercancel", finish);
      place(event);
      ghost.remove();
      chip.classList.remove("dragging");
      if (target) target.node.classList.remove("over");
      if (!target || event.type === "pointercancel") return;
      const arranged = moveInArrangement(studio.detail.arrangement, number, target);
      if (!arranged || JSON.stringify(arranged) === JSON.stringify(studio.detail.arrangement)) return;
      studio.detail.arrangement = arranged;
      renderSlots(studio.detail);
      await writeOptions({ slides: arrangementToSlides(arranged) }, null, "slides");
    };
    document.addEventListener("pointermove", place);
    document.addEventListener("pointerup", finish);
    document.addEventListener("pointercancel", finish);
  });
}

// --- putting it together

function renderThread(detail) {
  studio.detail = detail;
  document.title = `${detail.title} · Carousel Studio`;
  document.getElementById("crumb").textContent = detail.title;
  const status = document.getElementById("status");
  status.className = `chip ${detail.status}`;
  status.textContent = detail.status;
  const pdf = document.getElementById("pdf");
  pdf.href = detail.pdf || "#";
  pdf.classList.toggle("disabled", !detail.pdf);
  renderSlides(detail);
  renderOverlay(detail);
  document.getElementById("warnings-panel").hidden = !detail.warnings.length;
  document.getElementById("warnings").replaceChildren(...detail.warnings.map((line) => el("li", {}, el("code", { text: line }))));
  renderControls(detail);
  renderPosts(detail);
  renderSlots(detail);
}

async function refreshThread() {
  const response = await fetch(`/api/threads/${encodeURIComponent(SLUG)}`, { cache: "no-store" });
  if (response.status === 404) {
    document.getElementById("overlay").hidden = false;
    document.getElementById("overlay-errors").replaceChildren(el("li", { text: "This thread's file is gone (deleted or renamed). " }, el("a", { href: "/", text: "See every thread" })));
    return null;
  }
  const detail = await response.json();
  renderThread(detail);
  return detail;
}

async function startThread() {
  document.getElementById("view-carousel").addEventListener("click", () => setView("carousel"));
  document.getElementById("view-grid").addEventListener("click", () => setView("grid"));
  document.getElementById("prev").addEventListener("click", () => goTo(studio.index - 1));
  document.getElementById("next").addEventListener("click", () => goTo(studio.index + 1));
  document.getElementById("reset-order").addEventListener("click", () => writeOptions({ slides: null }, null, "default order"));
  const track = document.getElementById("track");
  track.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") { event.preventDefault(); goTo(studio.index + 1); }
    if (event.key === "ArrowLeft") { event.preventDefault(); goTo(studio.index - 1); }
  });
  let settle = null;
  track.addEventListener("scroll", () => {
    clearTimeout(settle);
    settle = setTimeout(() => { studio.index = nearestSlide(); markCurrent(); updateCounter(); }, 80);
  });
  window.addEventListener("resize", () => goTo(studio.index, false));
  enableDragging();
  await refreshThread();
  liveEvents(async (name, data) => {
    if (name === "build" && data.slug !== SLUG) return;
    if (name === "hello") {
      // a reconnection (the server restarted?) may have missed builds: read everything again
      if (!studio.connected) { studio.connected = true; return; }
    }
    await refreshThread();
    if (name === "build") setBusy(false);
  });
}

if (PAGE === "index") startIndex();
if (PAGE === "thread") startThread();
