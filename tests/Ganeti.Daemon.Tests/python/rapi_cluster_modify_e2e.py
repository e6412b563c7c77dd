"""Changes a live GanetiCluster master's settings with Ganeti's own Python RAPI client
(Debian's python3-ganeti-rapi), unchanged: ModifyCluster, a dry run, refusals, and ModifyGroup.
Usage: rapi_cluster_modify_e2e.py PORT USER PASSWORD. Exits non-zero at the first failed expectation."""
import sys
from ganeti.rapi import client
import rapi_e2e
from rapi_e2e import step

c = rapi_e2e.connect(sys.argv[1], sys.argv[2], sys.argv[3])


def wait(job):
    return rapi_e2e.wait(c, job)


before = c.GetInfo()
status = wait(step("modify job", c.ModifyCluster(
    candidate_pool_size=5, max_running_jobs=9, maintain_node_health=True,
    hvparams={"fake": {"migration_mode": "non-live"}},
    os_hvp={"noop": {"fake": {"migration_mode": "live"}}},
    beparams={"memory": 256}, nicparams={"link": "br7"},
    ipolicy={"vcpu-ratio": 3.0, "std": {"memory-size": 256}},
    hidden_os=[["add", "secret-os"]], reason="e2e")))
assert status["status"] == "success", status
info = step("info", c.GetInfo())
assert info["candidate_pool_size"] == 5 and info["max_running_jobs"] == 9 and info["maintain_node_health"]
assert info["hvparams"]["fake"]["migration_mode"] == "non-live"
assert info["os_hvp"]["noop"]["fake"] == {"migration_mode": "live"}
assert info["beparams"]["default"]["maxmem"] == 256 and info["beparams"]["default"]["minmem"] == 256
assert info["nicparams"]["default"]["link"] == "br7"
assert info["ipolicy"]["vcpu-ratio"] == 3.0 and info["ipolicy"]["std"]["memory-size"] == 256
assert info["hidden_os"] == ["secret-os"]
assert info["mtime"] > before["mtime"]

# "default" removes an OS override.
assert wait(c.ModifyCluster(os_hvp={"noop": {"fake": {"migration_mode": "default"}}}))["status"] == "success"
assert step("os_hvp after default", c.GetInfo()["os_hvp"]) == {}

# A dry run checks and changes nothing.
job = c._SendRequest(client.HTTP_PUT, "/2/modify", [("dry-run", 1)], {"max_running_jobs": 2})
assert wait(job)["status"] == "success"
assert step("after dry run", c.GetInfo()["max_running_jobs"]) == 9

# Refusals name the parameter and leave the cluster as it was.
status = wait(c.ModifyCluster(hvparams={"fake": {"no_such_param": 1}}))
assert status["status"] == "error", status
assert "no_such_param" in str(step("refused hvparam", status["opresult"])), status
status = wait(c.ModifyCluster(ipolicy={"std": {"memory-size": 1 << 20}}))
assert status["status"] == "error" and "memory-size" in str(step("refused ipolicy", status["opresult"])), status
try:
    c.ModifyCluster(candidate_pool_size=0)
    raise AssertionError("candidate_pool_size=0 was accepted")
except client.GanetiApiError as e:
    assert e.code == 400 and "candidate_pool_size" in str(e), e
try:
    c.ModifyCluster(compression_tools=["gzip"])
    raise AssertionError("compression_tools was accepted")
except client.GanetiApiError as e:
    assert e.code == 403 and "compression_tools" in str(e), e
assert c.GetInfo()["max_running_jobs"] == 9

# A node group: its allocation policy and overrides, "default" removing one, a refusal.
status = wait(step("group modify", c.ModifyGroup(
    "default", alloc_policy="last_resort", ndparams={"spindle_count": 2},
    diskparams={"drbd": {"resync-rate": 2048}}, ipolicy={"vcpu-ratio": 5.0, "spindle-ratio": 8.0})))
assert status["status"] == "success", status
group = step("group", c.GetGroup("default"))
assert group["alloc_policy"] == "last_resort"
assert group["custom_ndparams"] == {"spindle_count": 2} and group["ndparams"]["spindle_count"] == 2
assert group["custom_diskparams"] == {"drbd": {"resync-rate": 2048}}
assert group["custom_ipolicy"] == {"vcpu-ratio": 5.0, "spindle-ratio": 8.0} and group["ipolicy"]["vcpu-ratio"] == 5.0
assert wait(c.ModifyGroup("default", ipolicy={"spindle-ratio": "default"}))["status"] == "success"
assert step("group ipolicy after default", c.GetGroup("default")["custom_ipolicy"]) == {"vcpu-ratio": 5.0}
status = wait(c.ModifyGroup("default", ipolicy={"std": {"memory-size": 128}}))
assert status["status"] == "error" and "std" in str(step("refused group std", status["opresult"])), status
print("OK")
