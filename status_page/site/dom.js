// What every page of the status page builds its text with (loaded before the page's own script). Text is set
// with textContent only: names and evidence come from data files.
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function both(zh, en) {
  const span = el("span", zh);
  if (en && en !== zh) { span.append(" "); span.append(el("span", en, "en")); }
  return span;
}
