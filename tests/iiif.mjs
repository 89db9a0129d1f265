// Reads a IIIF manifest as IIIF viewers' libraries do (@iiif/parser, the IIIF Commons parser
// under Mirador 4 and the Universal Viewer): node iiif.mjs MANIFEST → what it found, as JSON.
// The strict upgrader lists what it had to repair in a Presentation 3 manifest ("warnings").
import { readFileSync } from "node:fs";
import { normalize } from "@iiif/parser";
import { presentation3StrictUpgrade } from "@iiif/parser/strict";

const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
const state = { warnings: [] };
presentation3StrictUpgrade(structuredClone(manifest), state);
const { entities, resource } = normalize(manifest);
const found = entities.Manifest[resource.id];
const canvases = found.items.map((ref) => entities.Canvas[ref.id]);
const images = canvases.map((canvas) => {
  const page = entities.AnnotationPage[canvas.items[0].id];
  const annotation = entities.Annotation[page.items[0].id];
  const body = annotation.body[0];
  const target = body.type === "SpecificResource" ? body.source : body;
  return entities.ContentResource[target.id];
});
console.log(JSON.stringify({
  warnings: state.warnings,
  type: resource.type,
  label: found.label,
  rights: found.rights,
  ranges: (found.structures || []).map((ref) => { const range = entities.Range[ref.id];
    return { label: range.label, canvases: range.items.map((item) => (item.source || item).id) }; }),
  canvases: canvases.map((canvas, i) => ({ id: canvas.id, label: canvas.label, width: canvas.width, height: canvas.height,
                                          image: images[i] && images[i].id, format: images[i] && images[i].format,
                                          services: ((images[i] && images[i].service) || []).map((ref) => {
                                            const service = (entities.Service || {})[ref.id] || ref;
                                            return { id: service.id || service["@id"], type: service.type || service["@type"],
                                                     profile: service.profile };
                                          }) })),
}));
