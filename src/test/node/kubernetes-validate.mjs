// Checks Kubernetes manifests against the Kubernetes OpenAPI schemas (kubernetes-models, the
// same schemas kubeconform uses): required fields, types, enums, formats. Usage:
//   node kubernetes-validate.mjs FILE...
// Prints "ok KIND/NAME" or "invalid KIND/NAME: why" per document; exit 1 if any is invalid,
// cannot be parsed, or has a kind this script has no schema for.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = false;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.log(`invalid ${file}: ${doc.errors[0].message}`);
      failed = true;
      continue;
    }
    const object = doc.toJS();
    if (object === null) {
      continue;
    }
    const what = `${object.kind}/${object.metadata?.name}`;
    const [group, version] = object.apiVersion?.includes("/")
      ? object.apiVersion.split("/") : [null, object.apiVersion];
    const module = `kubernetes-models/${group ? group + "/" : ""}${version}/${object.kind}`;
    let model;
    try {
      model = (await import(module))[object.kind];
    } catch (e) {
      console.log(`invalid ${what}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
      failed = true;
      continue;
    }
    try {
      new model(object).validate();
      console.log(`ok ${what}`);
    } catch (e) {
      console.log(`invalid ${what}: ${e.message.replaceAll("\n", " ")}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
