namespace Ganeti.Master.Rapi;

/// <summary>
/// Short and long texts for the status codes RAPI answers with; Ganeti takes them from
/// Python's http.server (BaseHTTPRequestHandler.responses), so clients see the same words.
/// </summary>
public static class HttpStatusText
{
    private static readonly Dictionary<int, (string Short, string Long)> Texts = new()
    {
        [200] = ("OK", "Request fulfilled, document follows"),
        [400] = ("Bad Request", "Bad request syntax or unsupported method"),
        [401] = ("Unauthorized", "No permission -- see authorization schemes"),
        [403] = ("Forbidden", "Request forbidden -- authorization will not help"),
        [404] = ("Not Found", "Nothing matches the given URI"),
        [405] = ("Method Not Allowed", "Specified method is invalid for this resource"),
        [411] = ("Length Required", "Client must specify Content-Length"),
        [413] = ("Request Entity Too Large", "Entity is too large"),
        [415] = ("Unsupported Media Type", "Entity body in unsupported format"),
        [500] = ("Internal Server Error", "Server got itself in trouble"),
        [501] = ("Not Implemented", "Server does not support this operation"),
        [502] = ("Bad Gateway", "Invalid responses from another server/proxy"),
        [503] = ("Service Unavailable", "The server cannot process the request due to a high load"),
        [504] = ("Gateway Timeout", "The gateway server did not receive a timely response"),
    };

    public static string Short(int code) => Texts.TryGetValue(code, out var t) ? t.Short : "Unknown";

    public static string Long(int code) => Texts.TryGetValue(code, out var t) ? t.Long : "Unknown";
}
