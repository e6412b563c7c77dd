// Ganeti.Remoting: the two wire protocols and their transports. NodeRpc/ holds node RPC (the
// procedure catalogue, framing, the in-process and SSH transports); Rapi/ holds the client of
// Ganeti's Remote API v2 that the cmdlets (and any other .NET caller) use to reach a master:
// request building, TLS trust, error mapping, typed results and job waiting.
namespace Ganeti.Remoting;
