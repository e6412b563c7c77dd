using System.Net;
using System.Text;

namespace Ganeti.Remoting.Tests.Rapi;

/// <summary>An in-memory HTTP handler: records requests and answers from a function.</summary>
public sealed class StubHandler : HttpMessageHandler
{
    public List<(HttpMethod Method, string PathAndQuery, string? Body, string? Auth)> Requests { get; } = [];
    public Func<HttpRequestMessage, string?, (HttpStatusCode, string)> Respond { get; set; } = (_, _) => (HttpStatusCode.OK, "null");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
            Requests.Add((request.Method, request.RequestUri!.PathAndQuery, body, request.Headers.Authorization?.ToString()));
        var (status, text) = Respond(request, body);
        return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
    }
}
