/* kg viewer: the graph, its filters, the search and the details panel.
 *
 * All data comes from the JSON in #kg-data. It reaches the page only through
 * textContent, Node.append(string) and DOM properties, never as markup, and only
 * an http(s) URL becomes a link. window.network is the vis-network Network;
 * window.kgViewer has showNode, showEdge, showCamp, focusNode, showOverview, setFocus and
 * clearFocus; body[data-ready] is set once the layout has settled and physics is off.
 *
 * What is drawn: a node shows when its kind and camp are ticked; an edge when its relation is
 * ticked, both its ends show and, once a statement filter is set (dates, modes, source, only
 * the contested), at least one of its statements passes it; with a statement filter set, a
 * node shows only with an edge drawn. Undated statements pass unless a date is set (then only
 * with "keep the undated" ticked). Focus (a click on a node) fades all but the node's
 * neighbourhood without hiding anything; "Show all" or Escape ends it.
 */
(function () {
  "use strict";

  performance.mark("kg-start");
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg-parsed");
  const byId = (id) => document.getElementById(id);
  const details = byId("kg-details");
  const status = byId("kg-status");
  const search = byId("kg-search");
  const results = byId("kg-results");
  const loading = byId("kg-loading");

  const focusBar = byId("kg-focus");
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  const campById = new Map(data.camps.map((c) => [c.id, c]));
  const denials = new Set(data.denials);
  const stanceRelations = new Set(data.relations.filter((r) => r.stance).map((r) => r.name));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const edgesOf = new Map(data.nodes.map((n) => [n.id, []]));
  for (const edge of data.edges) {
    edgesOf.get(edge.from).push(edge);
    if (edge.to !== edge.from) edgesOf.get(edge.to).push(edge);
  }

  // ------------------------------------------------------------------ DOM helpers

  /* el("li", {className: "x"}, "text", child, ...): properties are assigned, strings become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) Object.assign(node, props);
    for (const child of children) if (child !== null && child !== undefined && child !== "") node.append(child);
    return node;
  }

  function button(text, onClick) {
    const b = el("button", { type: "button", className: "kg-link" }, text);
    b.addEventListener("click", onClick);
    return b;
  }

  /* An http(s) URL as a link; anything else as plain text, marked as not opened. */
  function link(text, url) {
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (error) {
      parsed = null;
    }
    if (parsed && (parsed.protocol === "http:" || parsed.protocol === "https:")) {
      return el("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer" }, text);
    }
    return el("span", {}, text, " ", el("span", { className: "kg-unsafe-url", title: "not a web link" }, "(" + url + ")"));
  }

  function kindBadge(node) {
    const dot = el("span", { className: "kg-dot" });
    dot.style.background = node.color.background;
    return el("span", { className: "kg-kind" }, dot, data.kinds[node.kind] || node.kind);
  }

  function documentLine(docId) {
    const doc = data.documents[docId] || {};
    const title = doc.title || docId;
    const line = el("span", {}, doc.url ? link(title, doc.url) : title);
    const extra = [doc.source, doc.date].filter(Boolean).join(", ");
    if (extra) line.append(" \u2014 " + extra);
    return line;
  }

  // ------------------------------------------------------------------ details panel

  const OVERVIEW_ITEMS = 40; // stances listed per relation in the overview
  const RELATIONS = data.relations.map((r) => r.name); // the schema's order

  function relationText(edge) {
    const rel = el("span", { className: "kg-rel" }, " " + edge.relation + " ");
    rel.style.color = edge.color.color;
    return [nodeById.get(edge.from).label, rel, nodeById.get(edge.to).label];
  }

  function stanceItem(edge) {
    const b = el("button", { type: "button", className: "kg-link kg-stance" }, ...relationText(edge));
    b.addEventListener("click", () => selectEdge(edge.id));
    return el("li", {}, b, " (" + edge.evidence.length + ")");
  }

  /* The first panel: the camps, the contested relations, who backs and who opposes whom, the best attested first. */
  function showOverview() {
    const parts = [
      el("h2", {}, "Who stands where"),
      el("p", { className: "kg-hint" }, "Click a node for its profile, or a line for the sentences that state it."),
    ];
    if (data.camps.length) {
      parts.push(el("h3", {}, "Camps (" + data.camps.length + ")"));
      const items = data.camps.slice(0, OVERVIEW_ITEMS).map((camp) => {
        const dot = el("span", { className: "kg-dot" });
        dot.style.background = camp.color;
        return el("li", {}, dot, " ", button(camp.label, () => showCamp(camp.id)), " (" + countOf(camp.members.length, "member") + ")");
      });
      if (data.camps.length > OVERVIEW_ITEMS) items.push(el("li", { className: "kg-hint" }, "and " + (data.camps.length - OVERVIEW_ITEMS) + " more"));
      parts.push(el("ul", { className: "kg-stances" }, ...items));
    }
    const contested = data.edges.filter((e) => e.contested);
    if (contested.length) {
      parts.push(el("h3", {}, "Contested (" + contested.length + ")"));
      parts.push(el("ul", { className: "kg-stances" }, ...contested.slice(0, OVERVIEW_ITEMS).map(stanceItem)));
    }
    for (const relation of data.relations.filter((r) => r.stance).map((r) => r.name)) {
      const stances = data.edges
        .filter((e) => e.relation === relation)
        .sort((a, b) => b.evidence.length - a.evidence.length || nodeById.get(a.from).label.localeCompare(nodeById.get(b.from).label));
      parts.push(el("h3", {}, relation + " (" + stances.length + ")"));
      if (!stances.length) parts.push(el("p", { className: "kg-hint" }, "None found."));
      const items = stances.slice(0, OVERVIEW_ITEMS).map(stanceItem);
      if (stances.length > OVERVIEW_ITEMS) items.push(el("li", { className: "kg-hint" }, "and " + (stances.length - OVERVIEW_ITEMS) + " more"));
      if (items.length) parts.push(el("ul", { className: "kg-stances" }, ...items));
    }
    details.replaceChildren(...parts);
    delete details.dataset.showing;
  }

  function relationItem(edge, nodeId) {
    const outgoing = edge.from === nodeId;
    const other = nodeById.get(outgoing ? edge.to : edge.from);
    const count = edge.evidence.length;
    const text = outgoing ? edge.relation + " \u2192 " + other.label : other.label + " " + edge.relation + " \u2192 this";
    const mark = el("span", { className: "kg-dot" });
    mark.style.background = edge.color.color;
    const what = el("span", {}, button(text, () => selectEdge(edge.id)), " (" + count + " sentence" + (count === 1 ? "" : "s") + ")");
    return el("li", {}, mark, what);
  }

  function showNode(id) {
    const node = nodeById.get(id);
    if (!node) return;
    const parts = [el("div", { className: "kg-node" }, kindBadge(node)), el("h2", {}, node.label), campBadge(node.camp)].filter(Boolean);
    if (node.names.length) {
      parts.push(el("h3", {}, "Also called"), el("ul", {}, ...node.names.map((name) => el("li", {}, name))));
    }
    if (node.code) parts.push(el("p", {}, "ISO 3166 code: " + node.code));
    // its own stances first, then what others do to it; by relation, then by name
    const order = (e) => [e.from === id ? 0 : 1, RELATIONS.indexOf(e.relation), nodeById.get(e.from === id ? e.to : e.from).label];
    const edges = edgesOf.get(id).slice().sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
    });
    parts.push(el("h3", {}, "Relations (" + edges.length + ")"));
    parts.push(edges.length ? el("ul", { className: "kg-relations" }, ...edges.map((e) => relationItem(e, id))) : el("p", { className: "kg-hint" }, "None drawn."));
    parts.push(el("h3", {}, "Documents (" + node.documents.length + ")"));
    parts.push(el("ul", {}, ...node.documents.map((d) => el("li", {}, documentLine(d)))));
    details.replaceChildren(...parts);
    details.dataset.showing = "node:" + id;
    details.scrollTop = 0;
  }

  function modeText(ev) {
    let mode = data.modes[ev.mode] || ev.mode;
    if (ev.mode === "ReportedSpeech") mode += ev.speaker ? ", according to " + ev.speaker : ", speaker unknown";
    else if (ev.speaker) mode += ", by " + ev.speaker;
    return mode;
  }

  /* One statement: its sentence, where and when, how it is said; "claim" says what it claims when that is not the relation shown. */
  function evidenceItem(ev, claim) {
    const doc = data.documents[ev.doc_id] || {};
    const title = ev.title || doc.title || ev.doc_id;
    const url = ev.url || doc.url;
    const source = el("div", { className: "kg-meta" }, url ? link(title, url) : el("span", {}, title));
    const extra = [doc.source, ev.date].filter(Boolean).join(", ");
    if (extra) source.append(" \u2014 " + extra);
    if (ev.date && doc.date && ev.date !== doc.date) source.append(" (article of " + doc.date + ")");
    const item = el(
      "div",
      { className: "kg-evidence" },
      claim ? el("div", { className: "kg-claim" }, claim) : null,
      el("blockquote", {}, ev.sentence),
      source,
      el("span", { className: "kg-mode kg-mode-" + ev.mode }, modeText(ev)),
      ev.contested ? " " : null,
      ev.contested ? el("span", { className: "kg-mode kg-contested" }, "contested") : null
    );
    if (filtering() && !statementShown(ev)) {
      item.classList.add("kg-out");
      item.title = "outside the filters set";
    }
    return item;
  }

  /* The stance edges between the same two nodes, in the same direction, other than ``edge``: what contradicts it. */
  function opposites(edge) {
    if (!stanceRelations.has(edge.relation)) return [];
    return edgesOf.get(edge.from).filter((e) => e.id !== edge.id && e.from === edge.from && e.to === edge.to && stanceRelations.has(e.relation));
  }

  /* A contested relation: what says it is so, and what says otherwise (denials of it, the opposite stance). */
  function contestedSides(edge) {
    const [subject, , object] = relationText(edge);
    const says = edge.evidence.filter((ev) => !denials.has(ev.mode));
    const otherwise = edge.evidence.filter((ev) => denials.has(ev.mode)).map((ev) => [ev, "denies that " + subject + " " + edge.relation + " " + object]);
    for (const other of opposites(edge)) {
      for (const ev of other.evidence.filter((ev) => !denials.has(ev.mode))) otherwise.push([ev, subject + " " + other.relation + " " + object]);
    }
    const side = (cls, heading, items) =>
      el("section", { className: "kg-side " + cls }, el("h3", {}, heading + " (" + items.length + ")"), ...items);
    return [
      el("p", { className: "kg-contested-note" }, "Contested: the sources disagree."),
      side("kg-side-so", "Says so", says.map((ev) => evidenceItem(ev))),
      side(
        "kg-side-otherwise",
        "Says otherwise",
        otherwise.length
          ? otherwise.map(([ev, claim]) => evidenceItem(ev, claim))
          : [el("p", { className: "kg-hint" }, "The other side is not in this view.")]
      ),
    ];
  }

  function showEdge(id) {
    const edge = edgeById.get(id);
    if (!edge) return;
    const subject = nodeById.get(edge.from);
    const object = nodeById.get(edge.to);
    const [, rel] = relationText(edge);
    const heading = el("h2", {}, button(subject.label, () => selectNode(subject.id)), rel, button(object.label, () => selectNode(object.id)));
    const count = edge.evidence.length;
    const body = edge.contested
      ? contestedSides(edge)
      : [el("h3", {}, "Evidence (" + count + " sentence" + (count === 1 ? "" : "s") + ")"), ...edge.evidence.map((ev) => evidenceItem(ev))];
    details.replaceChildren(el("div", { className: "kg-kind" }, "Relation"), heading, ...body);
    details.dataset.showing = "edge:" + id;
    details.scrollTop = 0;
  }

  function campBadge(campId) {
    const camp = campById.get(campId);
    if (!camp) return null;
    const dot = el("span", { className: "kg-dot" });
    dot.style.background = camp.color;
    return el("p", { className: "kg-in-camp" }, dot, "In the camp ", button(camp.label, () => showCamp(camp.id)));
  }

  /* A camp: its members, most central first, and how many relations go against it. */
  function showCamp(id) {
    const camp = campById.get(id);
    if (!camp) return;
    const dot = el("span", { className: "kg-dot" });
    dot.style.background = camp.color;
    const shown = camp.members.length < camp.size ? " (" + camp.members.length + " of its " + camp.size + " in this view)" : "";
    details.replaceChildren(
      el("div", { className: "kg-kind" }, dot, "Camp"),
      el("h2", {}, camp.label),
      el("p", {}, countOf(camp.frustration, "relation") + (camp.frustration === 1 ? " goes" : " go") + " against it: opposes inside it, or backs to another camp."),
      el("h3", {}, "Members (" + camp.size + ")" + shown),
      el("ul", {}, ...camp.members.map((m) => el("li", {}, button(nodeById.get(m).label, () => selectNode(m)))))
    );
    details.dataset.showing = "camp:" + id;
    details.scrollTop = 0;
    const members = camp.members.filter((m) => shownNodes.has(m));
    if (members.length) network.fit({ nodes: members, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
  }

  // ------------------------------------------------------------------ what is drawn

  const number = (n) => n.toLocaleString("en-US"); // 2,000 as the page heading writes it
  const countOf = (n, noun) => number(n) + " " + noun + (n === 1 ? "" : "s"); // "1 relation", "2 relations"
  /* Lower case without accents, so "erdogan" finds "Erdoğan". */
  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  const hiddenKinds = new Set();
  const hiddenRelations = new Set();
  const hiddenCamps = new Set(); // camp ids; "" for the nodes in no camp
  const statements = { from: "", to: "", keepUndated: false, hiddenModes: new Set(), source: "", contestedOnly: false };
  let shownNodes = new Set(data.nodes.map((n) => n.id));
  let shownEdges = new Set(data.edges.map((e) => e.id));

  const filtering = () =>
    Boolean(statements.from || statements.to || statements.hiddenModes.size || statements.source || statements.contestedOnly);

  /* Outlet and title of a statement's article, folded once. */
  function sourceText(ev) {
    if (ev.sourceText === undefined) {
      const doc = data.documents[ev.doc_id] || {};
      ev.sourceText = fold([doc.source, ev.title || doc.title].filter(Boolean).join(" \u2014 "));
    }
    return ev.sourceText;
  }

  /* Whether a statement passes the mode, date and source filters. A date is a span [first day, last day]. */
  function statementShown(ev) {
    if (statements.hiddenModes.has(ev.mode)) return false;
    if (statements.from || statements.to) {
      if (!ev.when) {
        if (!statements.keepUndated) return false;
      } else if ((statements.from && ev.when[1] < statements.from) || (statements.to && ev.when[0] > statements.to)) {
        return false;
      }
    }
    return !statements.source || sourceText(ev).includes(statements.source);
  }

  const nodePasses = (node) => !hiddenKinds.has(node.kind) && !hiddenCamps.has(node.camp === null ? "" : node.camp);

  /* The nodes and edges that the filters leave, as two sets of ids. */
  function computeShown() {
    const active = filtering();
    const edgesShown = new Set();
    const ends = new Set();
    for (const edge of data.edges) {
      if (hiddenRelations.has(edge.relation)) continue;
      if (!nodePasses(nodeById.get(edge.from)) || !nodePasses(nodeById.get(edge.to))) continue;
      if (active && ((statements.contestedOnly && !edge.contested) || !edge.evidence.some(statementShown))) continue;
      edgesShown.add(edge.id);
      ends.add(edge.from).add(edge.to);
    }
    shownEdges = edgesShown;
    shownNodes = new Set(data.nodes.filter((n) => nodePasses(n) && (!active || ends.has(n.id))).map((n) => n.id));
  }

  // ------------------------------------------------------------------ the network

  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const nodeView = new vis.DataView(nodes, { filter: (n) => shownNodes.has(n.id) });
  const edgeView = new vis.DataView(edges, { filter: (e) => shownEdges.has(e.id) });
  const network = new vis.Network(byId("mynetwork"), { nodes: nodeView, edges: edgeView }, data.options);
  window.network = network;
  performance.mark("kg-network");

  // ------------------------------------------------------------------ camps and focus on the canvas

  const HALO = 7; // how far a camp's halo reaches past a node, in canvas units at scale 1
  const NAMED_CAMP = 5; // members shown from which a camp's name is drawn above them (the legend names every camp)
  const VEIL = "rgba(255, 255, 255, 0.86)"; // laid over what a focus leaves out
  let focus = null; // the id of the node in focus
  let near = null; // with a focus: the ids of the nodes in its neighbourhood
  let nearEdges = []; // and of the drawn edges between them
  const hops = byId("kg-hops");

  /* A halo in its camp's colour around each member that ``keep`` keeps: one path per camp, so it costs little. */
  function drawHalos(ctx, keep) {
    for (const camp of data.camps) {
      ctx.beginPath();
      let any = false;
      for (const id of camp.members) {
        const node = network.body.nodes[id];
        if (!node || !shownNodes.has(id) || !keep(id)) continue;
        const r = node.options.size + HALO;
        ctx.moveTo(node.x + r, node.y);
        ctx.arc(node.x, node.y, r, 0, 2 * Math.PI);
        any = true;
      }
      if (!any) continue;
      ctx.globalAlpha = 0.38;
      ctx.fillStyle = camp.color;
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  /* The name of each camp with a colour of its own above its members, the same size on screen at any zoom. */
  function drawCampNames(ctx) {
    const scale = network.getScale();
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.lineJoin = "round";
    ctx.font = "600 " + 14 / scale + "px system-ui, sans-serif";
    ctx.lineWidth = 4 / scale;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    for (const camp of data.camps) {
      const points = camp.members.filter((id) => shownNodes.has(id) && network.body.nodes[id]).map((id) => network.body.nodes[id]);
      if (points.length < NAMED_CAMP || !camp.named) continue;
      const x = points.reduce((sum, p) => sum + p.x, 0) / points.length;
      const y = points.reduce((sum, p) => sum + p.y, 0) / points.length;
      const reach = Math.max(...points.map((p) => Math.hypot(p.x - x, p.y - y) + p.options.size));
      ctx.fillStyle = camp.color;
      ctx.strokeText(camp.label, x, y - reach - 4 / scale);
      ctx.fillText(camp.label, x, y - reach - 4 / scale);
    }
  }

  /* A focus: a veil over everything, then the neighbourhood drawn again on top of it. Drawing
     the few nodes and edges again costs far less than restyling the thousands that fade. */
  function drawFocus(ctx) {
    const box = byId("mynetwork").getBoundingClientRect();
    const topLeft = network.DOMtoCanvas({ x: -HALO, y: -HALO });
    const bottomRight = network.DOMtoCanvas({ x: box.width + HALO, y: box.height + HALO });
    ctx.fillStyle = VEIL;
    ctx.fillRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    drawHalos(ctx, (id) => near.has(id));
    const edgesDrawn = nearEdges.map((id) => network.body.edges[id]).filter((edge) => edge && edge.connected);
    for (const edge of edgesDrawn) edge.draw(ctx);
    for (const edge of edgesDrawn) edge.drawArrows(ctx);
    const labels = [];
    for (const id of near) {
      const node = network.body.nodes[id];
      if (!node || !shownNodes.has(id)) continue;
      const drawn = node.draw(ctx);
      if (drawn && drawn.drawExternalLabel) labels.push(drawn.drawExternalLabel);
    }
    for (const label of labels) label();
  }

  network.on("beforeDrawing", (ctx) => drawHalos(ctx, () => true));
  network.on("afterDrawing", (ctx) => (near ? drawFocus(ctx) : drawCampNames(ctx)));

  /* The nodes at most ``steps`` drawn edges away from ``id``. */
  function neighbourhood(id, steps) {
    const found = new Set([id]);
    let frontier = [id];
    for (let step = 0; step < steps; step++) {
      const next = [];
      for (const n of frontier) {
        for (const edge of edgesOf.get(n)) {
          const other = edge.from === n ? edge.to : edge.from;
          if (shownEdges.has(edge.id) && !found.has(other)) {
            found.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    return found;
  }

  /* Work out the neighbourhood of the focus again (after a click, or a filter), and draw. */
  function updateFocus() {
    near = focus !== null && shownNodes.has(focus) ? neighbourhood(focus, Number(hops.value)) : null;
    nearEdges = near ? data.edges.filter((e) => shownEdges.has(e.id) && near.has(e.from) && near.has(e.to)).map((e) => e.id) : [];
    if (near) byId("kg-focus-text").textContent = "Around " + nodeById.get(focus).label + ": " + countOf(near.size - 1, "neighbour");
    focusBar.hidden = near === null;
    document.body.dataset.focus = near ? focus : "";
    // on the next frame, with whatever else asked for one (network.redraw() draws at once, and a click has asked already)
    network.body.emitter.emit("_requestRedraw");
  }

  function setFocus(id) {
    if (!nodeById.has(id)) return;
    focus = id;
    updateFocus();
  }

  function clearFocus() {
    focus = null;
    updateFocus();
  }

  hops.addEventListener("change", updateFocus);
  byId("kg-show-all").addEventListener("click", clearFocus);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && focus !== null) clearFocus();
  });

  // ------------------------------------------------------------------ selection

  function selectNode(id) {
    if (nodeView.get(id)) network.selectNodes([id]);
    setFocus(id);
    showNode(id);
  }

  function selectEdge(id) {
    if (edgeView.get(id)) network.selectEdges([id]);
    showEdge(id);
  }

  function focusNode(id) {
    const node = nodeById.get(id);
    if (!node) return;
    if (!shownNodes.has(id)) {
      // tick its kind and camp again; a statement filter may still leave it out
      document.querySelector('#kg-legend input[data-kind="' + CSS.escape(node.kind) + '"]').checked = true;
      const campBox = document.querySelector('#kg-legend input[data-camp="' + CSS.escape(node.camp === null ? "" : node.camp) + '"]');
      if (campBox) campBox.checked = true;
      applyFilters();
    }
    if (shownNodes.has(id)) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    }
    setFocus(id);
    showNode(id);
  }

  network.on("click", (params) => {
    if (params.nodes.length) {
      setFocus(params.nodes[0]);
      showNode(params.nodes[0]);
    } else if (params.edges.length) showEdge(params.edges[0]);
    else showOverview();
  });

  function ready() {
    performance.mark("kg-laid-out");
    network.setOptions({ physics: { enabled: false } });
    // fit() frames the nodes, not their labels: leave a margin for the labels at the edges
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92 });
    loading.hidden = true;
    document.body.dataset.ready = "true";
    window.kgReady = true;
  }

  if (data.nodes.length === 0 || !data.options.physics.enabled) {
    ready(); // nothing to lay out, or laid out already (a large graph with camps)
  } else {
    network.on("stabilizationProgress", (p) => {
      loading.textContent = "Laying out " + data.nodes.length + " nodes\u2026 " + Math.round((100 * p.iterations) / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", ready);
  }

  // ------------------------------------------------------------------ filters

  const from = byId("kg-from");
  const to = byId("kg-to");
  const slider = byId("kg-time");
  const undated = byId("kg-undated");
  const sourceBox = byId("kg-source");
  const timeText = byId("kg-time-text");

  function updateStatus() {
    const all = shownNodes.size === data.nodes.length && shownEdges.size === data.edges.length;
    status.textContent = all
      ? countOf(data.nodes.length, "node") + " and " + countOf(data.edges.length, "relation") + " from " + countOf(data.articles, "article")
      : "Showing " + number(shownNodes.size) + " of " + countOf(data.nodes.length, "node") + " and " + number(shownEdges.size) + " of " + countOf(data.edges.length, "relation");
  }

  function updateTimeText() {
    if (!timeText) return;
    const first = from.min;
    const last = to.max;
    timeText.textContent =
      statements.from || statements.to
        ? "Dated " + (statements.from || first) + " to " + (statements.to || last) + (statements.keepUndated ? ", and the undated" : "")
        : "All dates, " + first + " to " + last + (undated ? ", and the undated" : "");
  }

  const savedPositions = {}; // id: {x, y} of the nodes hidden by a filter

  function applyFilters() {
    hiddenKinds.clear();
    hiddenRelations.clear();
    hiddenCamps.clear();
    statements.hiddenModes.clear();
    for (const box of document.querySelectorAll("#kg-legend input[data-kind]")) if (!box.checked) hiddenKinds.add(box.dataset.kind);
    for (const box of document.querySelectorAll("#kg-legend input[data-relation]")) if (!box.checked) hiddenRelations.add(box.dataset.relation);
    for (const box of document.querySelectorAll("#kg-legend input[data-camp]")) if (!box.checked) hiddenCamps.add(box.dataset.camp);
    for (const box of document.querySelectorAll("#kg-legend input[data-mode]")) if (!box.checked) statements.hiddenModes.add(box.dataset.mode);
    statements.from = from ? from.value : "";
    statements.to = to ? to.value : "";
    statements.keepUndated = Boolean(undated && undated.checked);
    statements.source = fold(sourceBox.value.trim());
    statements.contestedOnly = byId("kg-contested").checked;
    const before = shownNodes;
    computeShown();
    // keep where the nodes about to be hidden are, and put them back there when they are shown again
    // (updating the data set with positions, or network.storePositions(), costs seconds at scale)
    Object.assign(savedPositions, network.getPositions([...before].filter((id) => !shownNodes.has(id))));
    const entering = [...shownNodes].filter((id) => !before.has(id));
    nodeView.refresh();
    for (const id of entering) if (savedPositions[id]) network.moveNode(id, savedPositions[id].x, savedPositions[id].y);
    edgeView.refresh();
    if (focus !== null) updateFocus();
    updateStatus();
    updateTimeText();
    // the evidence on show greys what the filters now leave out
    if ((details.dataset.showing || "").startsWith("edge:")) showEdge(details.dataset.showing.slice(5));
  }

  for (const box of document.querySelectorAll("#kg-legend input[type=checkbox]")) box.addEventListener("change", applyFilters);
  sourceBox.addEventListener("input", applyFilters);
  byId("kg-sources").replaceChildren(...data.sources.map((source) => el("option", { value: source })));

  // The slider moves the end of the time window over the first days of the dated statements; at its right end there is no end.
  if (slider) {
    slider.max = String(data.days.length);
    slider.value = slider.max;
    slider.addEventListener("input", () => {
      const at = Number(slider.value);
      to.value = at >= data.days.length ? "" : data.days[at];
      applyFilters();
    });
    for (const box of [from, to]) {
      box.addEventListener("change", () => {
        if (box === to) {
          const at = to.value ? data.days.filter((day) => day <= to.value).length - 1 : data.days.length;
          slider.value = String(Math.max(0, at));
        }
        applyFilters();
      });
    }
    updateTimeText();
  }

  // ------------------------------------------------------------------ search

  const searchable = data.nodes.map((n) => ({ node: n, names: [n.label, ...n.names, ...(n.code ? [n.code] : [])].map((name) => [name, fold(name)]) }));

  function matches(query) {
    const q = fold(query.trim());
    if (!q) return [];
    const found = [];
    for (const { node, names } of searchable) {
      let best = null;
      for (const [name, folded] of names) {
        const at = folded.indexOf(q);
        if (at < 0) continue;
        const rank = folded === q ? 0 : at === 0 ? 1 : 2;
        if (best === null || rank < best.rank) best = { node, name, rank };
      }
      if (best) found.push(best);
    }
    found.sort((a, b) => a.rank - b.rank || b.node.importance - a.node.importance || a.node.label.localeCompare(b.node.label));
    return found;
  }

  function showResults() {
    const found = matches(search.value);
    if (!search.value.trim()) {
      results.replaceChildren();
      return;
    }
    if (!found.length) {
      results.replaceChildren(el("li", { className: "kg-none" }, "No node has that name."));
      return;
    }
    results.replaceChildren(
      ...found.slice(0, 12).map(({ node, name }) => {
        const b = button(node.label, () => focusNode(node.id));
        if (name !== node.label) b.append(" ", el("span", { className: "kg-alias" }, "(" + name + ")"));
        b.append(" ", el("span", { className: "kg-alias" }, "\u00b7 " + (data.kinds[node.kind] || node.kind)));
        return el("li", {}, b);
      })
    );
  }

  search.addEventListener("input", showResults);
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const [first] = matches(search.value);
      if (first) focusNode(first.node.id);
    } else if (event.key === "Escape") {
      search.value = "";
      showResults();
    }
  });

  updateStatus();
  showOverview();
  window.kgViewer = { showNode, showEdge, showCamp, showOverview, focusNode, selectNode, selectEdge, applyFilters, setFocus, clearFocus };
})();
