// The API page: /openapi.json drawn as plain HTML (no CDN, no framework).
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function schemaText(schema) {
  if (!schema) return "";
  if (schema.enum) return schema.enum.join(" | ");
  if (schema.anyOf) return schema.anyOf.map(schemaText).join(" or ");
  if (schema.$ref) return schema.$ref.split("/").pop();
  return schema.type || "";
}

async function draw() {
  const spec = await (await fetch("/openapi.json")).json();
  const root = document.getElementById("endpoints");
  document.getElementById("loading").textContent = `${spec.info.title} ${spec.info.version}. ${spec.info.description}`;
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const block = el("div", { class: "endpoint" },
        el("h3", { id: op.operationId }, el("span", { class: "method" }, method.toUpperCase()), " ",
          el("code", {}, path), " — ", op.summary || ""),
        el("p", {}, op.description || ""));
      if (op.parameters && op.parameters.length) {
        const rows = op.parameters.map((p) => el("tr", {}, el("td", {}, el("code", {}, p.name)),
          el("td", {}, schemaText(p.schema)), el("td", {}, p.required ? "required" : ""),
          el("td", {}, p.description || "")));
        block.append(el("table", {}, el("caption", {}, "Parameters (query string or form fields)"),
          el("thead", {}, el("tr", {}, el("th", {}, "name"), el("th", {}, "values"),
            el("th", {}, ""), el("th", {}, "meaning"))), el("tbody", {}, ...rows)));
      }
      const responses = Object.entries(op.responses || {}).map(([status, r]) =>
        el("li", {}, el("strong", {}, status), " ", r.description || "",
          r.content ? ` (${Object.keys(r.content).join(", ")})` : ""));
      block.append(el("ul", {}, ...responses));
      root.append(block);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => draw().catch((e) => {
  document.getElementById("loading").textContent = `The API description could not be read: ${e.message}`;
}));
