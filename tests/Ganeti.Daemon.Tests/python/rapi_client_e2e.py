"""Drives a live GanetiCluster master with Ganeti's own Python RAPI client (Debian's
python3-ganeti-rapi), unchanged. Usage: rapi_client_e2e.py PORT USER PASSWORD NODE OS.
Prints one line per step; exits non-zero at the first failed expectation."""
import sys
from ganeti.rapi import client
import rapi_e2e
from rapi_e2e import step

port, user, password, node, os_name = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
c = rapi_e2e.connect(port, user, password)


def wait(job):
    status = rapi_e2e.wait(c, job)
    assert status["status"] == "success", "job %s did not succeed: %r" % (job, status)
    return status


assert step("version", c.GetVersion()) == 2
info = step("info", c.GetInfo())
assert info["name"] == "lab.cluster" and info["master"] == node
assert "instance-create-reqv1" in step("features", c.GetFeatures())
assert os_name in step("os", c.GetOperatingSystems())
assert [n["name"] for n in step("nodes", c.GetNodes(bulk=True))] == [node]

job = c.CreateInstance("create", "web1", "file", [{"size": 64}], [{}], os=os_name, pnode=node,
                       name_check=False, ip_check=False, beparams={"memory": 64})
status = wait(step("create job", job))
assert status["status"] == "success", status
inst = step("instance", c.GetInstance("web1"))
assert inst["status"] == "running" and inst["pnode"] == node and inst["disk.sizes"] == [64], inst
assert c.GetInstances() == ["web1"]

wait(c.ShutdownInstance("web1"))
assert step("after shutdown", c.GetInstance("web1")["status"]) == "ADMIN_down"
wait(c.StartupInstance("web1"))
wait(c.RebootInstance("web1", reboot_type="hard"))
assert c.GetInstance("web1")["status"] == "running"

wait(c.AddInstanceTags("web1", ["env:test"]))
assert step("tags", c.GetInstanceTags("web1")) == ["env:test"]
wait(c.DeleteInstanceTags("web1", ["env:test"]))
assert c.GetInstanceTags("web1") == []

job = c.GetInstanceInfo("web1", static=False)
details = wait(job)["opresult"][0]["web1"]
assert step("info run_state", details["run_state"]) == "up"

q = step("query", c.Query("instance", ["name", "status"]))
assert q["data"] == [[[0, "web1"], [0, "running"]]], q
fields = c.QueryFields("instance", ["name"])
assert fields["fields"][0]["name"] == "name"

wait(c.ShutdownInstance("web1"))
status = wait(step("modify job", c.ModifyInstance("web1", beparams={"vcpus": 2}, hvparams={"migration_mode": "non-live"},
                                                  nics=[("add", -1, {"link": "br1", "name": "back"})],
                                                  disks=[("add", -1, {"size": 32, "name": "data"})])))
changes = dict((k, v) for k, v in step("modify result", status["opresult"][0]))
assert changes["be/vcpus"] == 2 and changes["hv/migration_mode"] == "non-live", changes
assert changes["disk/1"] == "add:size=32,mode=rw" and changes["nic.1"].startswith("add:mac="), changes
inst = step("modified", c.GetInstance("web1"))
assert inst["custom_beparams"]["vcpus"] == 2 and inst["disk.sizes"] == [64, 32] and len(inst["nic.macs"]) == 2, inst
# The older [(action, params)] form removes the last NIC and disk.
wait(c.ModifyInstance("web1", nics=[("remove", {})], disks=[("remove", {})]))
inst = c.GetInstance("web1")
assert inst["disk.sizes"] == [64] and len(inst["nic.macs"]) == 1, inst
try:
    wait(c.ModifyInstance("web1", disk_template="plain"))
    raise AssertionError("a disk template conversion did not fail")
except AssertionError as e:
    assert "did not succeed" in str(e), e
wait(c.RenameInstance("web1", "web2", ip_check=False, name_check=False))
assert c.GetInstances() == ["web2"]
wait(c.DeleteInstance("web2"))
assert step("instances at end", c.GetInstances()) == []

jobs = step("jobs", c.GetJobs())
assert len(jobs) >= 10
try:
    c.GetInstance("nosuch")
    raise AssertionError("GetInstance of a missing instance did not fail")
except client.GanetiApiError as e:
    assert e.code == 404, e.code
print("OK")
