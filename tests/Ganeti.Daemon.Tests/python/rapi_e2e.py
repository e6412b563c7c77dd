"""What the scripts that drive a live GanetiCluster master with Ganeti's own Python RAPI client
(Debian's python3-ganeti-rapi) share: the connection, a step that prints what it got, and waiting
for a job."""
import sys
import pycurl
from ganeti.rapi import client


def connect(port, user, password):
    pycurl.global_init(pycurl.GLOBAL_ALL)
    return client.GanetiRapiClient("127.0.0.1", port=int(port), username=user, password=password)


def step(name, value):
    print("%s: %r" % (name, value))
    sys.stdout.flush()
    return value


def wait(c, job):
    """Waits (up to a minute) for the job to end and returns its status, whatever it is."""
    c.WaitForJobCompletion(job, period=0.2, retries=300)
    return c.GetJobStatus(job)
