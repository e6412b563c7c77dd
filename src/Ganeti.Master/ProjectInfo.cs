// Ganeti.Master: the master daemon's parts. Job queue and scheduler, lock manager, logical
// units, config store, query engine, node RPC client, and the RAPI server. It never touches a
// hypervisor or a disk itself: it asks the nodes over node RPC.
namespace Ganeti.Master;
