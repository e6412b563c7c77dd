// Ganeti.PowerShell: the GanetiCluster module. Commands/ holds one thin cmdlet per file
// (parameters → request → RAPI client → typed objects); Infrastructure/ holds what they share
// (connection, waiting with progress, error records) and the logic that xunit tests without a
// PowerShell host (name filters, sizes, error classification, throttling, caches).
namespace Ganeti.PowerShell;
