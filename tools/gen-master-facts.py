#!/usr/bin/env python3
"""Writes src/Ganeti.Master/Query/QueryFields.json and Config/Defaults.json from Ganeti 3.0.2's facts in
../shared/spec/ganeti-constants.json: per resource, each query field's name, title and kind
(wire facts clients rely on). The descriptions are our own, made from the title."""
import json, os, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "spec", "ganeti-constants.json")
with open(spec) as f:
    constants = json.load(f)

def describe(field):
    title = field["title"].replace("_", " ")
    return title[:1].upper() + title[1:]

out = {}
for resource, fields in sorted(constants["query_fields"].items()):
    out[resource] = [{"name": f["name"], "title": f["title"], "kind": f["kind"], "doc": describe(f)} for f in fields]
target = os.path.join(root, "src", "Ganeti.Master", "Query", "QueryFields.json")
with open(target, "w") as f:
    json.dump(out, f, indent=1, sort_keys=False)
    f.write("\n")
print(f"wrote {target}")

# Parameter defaults a new cluster starts with.
defaults = {k: constants[k] for k in ["hypervisor_param_defaults", "backend_param_defaults", "node_param_defaults",
                                       "disk_param_defaults", "nic_param_defaults", "ipolicy_defaults"]}
target = os.path.join(root, "src", "Ganeti.Master", "Config", "Defaults.json")
with open(target, "w") as f:
    json.dump(defaults, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {target}")
