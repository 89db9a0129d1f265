// Runs the built Pagefind index in Node (no browser): node search.mjs SITE QUERY...
// Pagefind's browser bundle fetches its index files; this shim serves them from disk.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [site, ...queries] = process.argv.slice(2);
const bundle = path.resolve(site, "pagefind");
globalThis.window = globalThis;
globalThis.location = { href: pathToFileURL(bundle + "/").href, origin: "file://" };
globalThis.document = { currentScript: null, querySelector: () => null };
globalThis.fetch = async (url) => {
  const clean = String(url).split("?")[0];
  const file = clean.startsWith("file://") ? decodeURIComponent(new URL(clean).pathname) : path.join(bundle, clean.replace(/^.*\/pagefind\//, ""));
  const data = await readFile(file);
  return { ok: true, status: 200, arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
           json: async () => JSON.parse(data.toString("utf8")), text: async () => data.toString("utf8") };
};
const pagefind = await import(pathToFileURL(path.join(bundle, "pagefind.js")).href);
await pagefind.options({ basePath: pathToFileURL(bundle + "/").href, baseUrl: "/" });
// A large edition's index comes in parts: merge those the pages' search box names, as edition.js does.
const home = await readFile(path.join(site, "index.html"), "utf8");
const merge = (home.match(/data-merge="([^"]*)"/) || [null, ""])[1].split(" ").filter(Boolean);
for (const part of merge) await pagefind.mergeIndex(pathToFileURL(path.join(bundle, part) + "/").href, { baseUrl: "/" });
await pagefind.init();
const out = {};
for (const query of queries) {
  const search = await pagefind.search(query);
  const results = [];
  for (const result of search.results) {
    const data = await result.data();
    results.push({ url: data.url, title: data.meta.title,
                   sub_results: data.sub_results.map((s) => ({ url: s.url, title: s.title, excerpt: s.excerpt })) });
  }
  out[query] = results;
}
console.log(JSON.stringify(out));
