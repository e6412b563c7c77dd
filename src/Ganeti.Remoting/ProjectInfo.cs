// Ganeti.Remoting: the two wire protocols and their transports. Node RPC (the procedure
// catalogue, framing, the in-process and SSH transports) and the RAPI client the cmdlets use.
namespace Ganeti.Remoting;
