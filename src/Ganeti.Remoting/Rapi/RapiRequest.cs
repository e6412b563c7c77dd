using System.Text;
using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi;

/// <summary>
/// One RAPI request before it is sent: method, path, query arguments in order, JSON body.
/// Built by <see cref="RapiRequests"/>, so what goes on the wire can be tested without a server.
/// </summary>
public sealed record RapiRequest(HttpMethod Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Query, JsonNode? Body = null)
{
    public RapiRequest(HttpMethod method, string path)
        : this(method, path, [])
    {
    }

    /// <summary>True for requests that need the long-poll time allowance.</summary>
    public bool IsLongPoll { get; init; }

    public string PathAndQuery
    {
        get
        {
            if (Query.Count == 0) return Path;
            var sb = new StringBuilder(Path).Append('?');
            for (var i = 0; i < Query.Count; i++)
            {
                if (i > 0) sb.Append('&');
                sb.Append(Uri.EscapeDataString(Query[i].Key)).Append('=').Append(Uri.EscapeDataString(Query[i].Value));
            }
            return sb.ToString();
        }
    }

    /// <summary>"PUT /2/instances/web1/startup", for messages.</summary>
    public string Display => $"{Method.Method} {Path}";

    public override string ToString() => $"{Method.Method} {PathAndQuery}";
}
