/* kg viewer: the graph, its filters, the search and the details panel.
 *
 * All data comes from the JSON in #kg-data. It reaches the page only through
 * textContent, Node.append(string) and DOM properties, never as markup, and only
 * an http(s) URL becomes a link. window.network is the vis-network Network;
 * window.kgViewer has showNode, showEdge, focusNode and showOverview; body[data-ready] is set
 * once the layout has settled and physics is off.
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

  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
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

  /* The first panel: who backs and who opposes whom, the best attested first. */
  function showOverview() {
    const parts = [
      el("h2", {}, "Who stands where"),
      el("p", { className: "kg-hint" }, "Click a node for its profile, or a line for the sentences that state it."),
    ];
    for (const relation of data.relations.filter((r) => r.stance).map((r) => r.name)) {
      const stances = data.edges
        .filter((e) => e.relation === relation)
        .sort((a, b) => b.evidence.length - a.evidence.length || nodeById.get(a.from).label.localeCompare(nodeById.get(b.from).label));
      parts.push(el("h3", {}, relation + " (" + stances.length + ")"));
      if (!stances.length) parts.push(el("p", { className: "kg-hint" }, "None found."));
      const items = stances.slice(0, OVERVIEW_ITEMS).map((edge) => {
        const b = el("button", { type: "button", className: "kg-link kg-stance" }, ...relationText(edge));
        b.addEventListener("click", () => selectEdge(edge.id));
        return el("li", {}, b, " (" + edge.evidence.length + ")");
      });
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
    const parts = [el("div", { className: "kg-node" }, kindBadge(node)), el("h2", {}, node.label)];
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

  function evidenceItem(ev) {
    const doc = data.documents[ev.doc_id] || {};
    const title = ev.title || doc.title || ev.doc_id;
    const url = ev.url || doc.url;
    const source = el("div", { className: "kg-meta" }, url ? link(title, url) : el("span", {}, title));
    const extra = [doc.source, ev.date].filter(Boolean).join(", ");
    if (extra) source.append(" \u2014 " + extra);
    let mode = data.modes[ev.mode] || ev.mode;
    if (ev.mode === "ReportedSpeech") mode += ev.speaker ? ", according to " + ev.speaker : ", speaker unknown";
    return el(
      "div",
      { className: "kg-evidence" },
      el("blockquote", {}, ev.sentence),
      source,
      el("span", { className: "kg-mode kg-mode-" + ev.mode }, mode)
    );
  }

  function showEdge(id) {
    const edge = edgeById.get(id);
    if (!edge) return;
    const subject = nodeById.get(edge.from);
    const object = nodeById.get(edge.to);
    const [, rel] = relationText(edge);
    const heading = el("h2", {}, button(subject.label, () => selectNode(subject.id)), rel, button(object.label, () => selectNode(object.id)));
    const count = edge.evidence.length;
    details.replaceChildren(
      el("div", { className: "kg-kind" }, "Relation"),
      heading,
      el("h3", {}, "Evidence (" + count + " sentence" + (count === 1 ? "" : "s") + ")"),
      ...edge.evidence.map(evidenceItem)
    );
    details.dataset.showing = "edge:" + id;
    details.scrollTop = 0;
  }

  // ------------------------------------------------------------------ the network

  const hiddenKinds = new Set();
  const hiddenRelations = new Set();
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const nodeVisible = (node) => !hiddenKinds.has(node.kind);
  const nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  const edgeView = new vis.DataView(edges, {
    filter: (e) => !hiddenRelations.has(e.relation) && nodeVisible(nodeById.get(e.from)) && nodeVisible(nodeById.get(e.to)),
  });
  const network = new vis.Network(byId("mynetwork"), { nodes: nodeView, edges: edgeView }, data.options);
  window.network = network;
  performance.mark("kg-network");

  function selectNode(id) {
    if (nodeView.get(id)) network.selectNodes([id]);
    showNode(id);
  }

  function selectEdge(id) {
    if (edgeView.get(id)) network.selectEdges([id]);
    showEdge(id);
  }

  function focusNode(id) {
    const node = nodeById.get(id);
    if (!node) return;
    if (hiddenKinds.has(node.kind)) {
      document.querySelector('#kg-legend input[data-kind="' + CSS.escape(node.kind) + '"]').checked = true;
      applyFilters();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showNode(id);
  }

  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
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

  if (data.nodes.length === 0) {
    ready();
  } else {
    network.on("stabilizationProgress", (p) => {
      loading.textContent = "Laying out " + data.nodes.length + " nodes\u2026 " + Math.round((100 * p.iterations) / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", ready);
  }

  // ------------------------------------------------------------------ filters

  const number = (n) => n.toLocaleString("en-US"); // 2,000 as the page heading writes it
  const countOf = (n, noun) => number(n) + " " + noun + (n === 1 ? "" : "s"); // "1 relation", "2 relations"

  function updateStatus() {
    const shownNodes = nodeView.length;
    const shownEdges = edgeView.length;
    const all = shownNodes === data.nodes.length && shownEdges === data.edges.length;
    status.textContent = all
      ? countOf(data.nodes.length, "node") + " and " + countOf(data.edges.length, "relation") + " from " + countOf(data.articles, "article")
      : "Showing " + number(shownNodes) + " of " + countOf(data.nodes.length, "node") + " and " + number(shownEdges) + " of " + countOf(data.edges.length, "relation");
  }

  function applyFilters() {
    hiddenKinds.clear();
    hiddenRelations.clear();
    for (const box of document.querySelectorAll("#kg-legend input[data-kind]")) if (!box.checked) hiddenKinds.add(box.dataset.kind);
    for (const box of document.querySelectorAll("#kg-legend input[data-relation]")) if (!box.checked) hiddenRelations.add(box.dataset.relation);
    // keep where the shown nodes are, so that nodes shown again come back there
    // (network.storePositions() fails while some nodes are filtered out)
    nodes.update(Object.entries(network.getPositions()).map(([id, p]) => ({ id, x: p.x, y: p.y })));
    nodeView.refresh();
    edgeView.refresh();
    updateStatus();
  }

  for (const box of document.querySelectorAll("#kg-legend input")) box.addEventListener("change", applyFilters);

  // ------------------------------------------------------------------ search

  /* Lower case without accents, so "erdogan" finds "Erdoğan". */
  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
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
  window.kgViewer = { showNode, showEdge, showOverview, focusNode, selectNode, selectEdge, applyFilters };
})();
