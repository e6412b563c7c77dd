// Ganeti.NodeHelpers: everything that runs on a node. Hypervisors, storage drivers, the OS
// interface runner, import/export, node verify, and the node RPC dispatcher that exposes them.
namespace Ganeti.NodeHelpers;
