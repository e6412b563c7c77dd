using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ganeti.Master.Rapi;

/// <summary>
/// The request pipeline, in Ganeti's order: body size (413), resource (404, or 400 for a bad
/// name in the URL), method (501), authentication and rights (401/403), content type (415),
/// JSON body (400), then the resource handler. Every failure is answered with Ganeti's
/// error body <c>{"code", "message", "explain"}</c> as application/json, and nothing reaches
/// the master before all checks have passed.
/// </summary>
public sealed class RapiRequestHandler
{
    public const string JsonContentType = "application/json";

    private static readonly string[] SupportedMethods = ["GET", "PUT", "POST", "DELETE"];

    private readonly RapiRouteTable _routes;
    private readonly IMasterService _master;
    private readonly RapiUsers _users;
    private readonly RapiServerOptions _options;
    private readonly ILogger _logger;

    public RapiRequestHandler(RapiRouteTable routes, IMasterService master, RapiUsers users,
        RapiServerOptions options, ILogger? logger = null)
    {
        _routes = routes;
        _master = master;
        _users = users;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var result = await ProcessAsync(context);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(result, RapiJson.Output);
            context.Response.StatusCode = 200;
            context.Response.ContentType = JsonContentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody to answer.
        }
        catch (RapiException e)
        {
            await WriteErrorAsync(context, e);
        }
        catch (GanetiException e)
        {
            _logger.LogInformation("{Method} {Path}: {Error}", context.Request.Method, context.Request.Path, e.ToString());
            await WriteErrorAsync(context, RapiErrors.FromGaneti(e));
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            await WriteErrorAsync(context, new RapiException(e.StatusCode == 413 ? 413 : e.StatusCode,
                e.StatusCode == 413 ? RequestTooLargeMessage() : e.Message));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, new RapiException(500, $"Internal error: {e.Message}"));
        }
    }

    private async Task<JsonNode?> ProcessAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method.ToUpperInvariant();

        if (request.ContentLength is { } length && length > _options.MaxRequestBodySize)
        {
            await DiscardBodyAsync(context, length);
            throw new RapiException(413, RequestTooLargeMessage());
        }

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var (rawPath, rawQuery) = SplitTarget(rawTarget);

        var match = _routes.Match(rawPath) ?? throw RapiException.NotFound();
        var resource = match.Resource;

        if (!resource.Methods.TryGetValue(method, out var handlerMethod))
        {
            var allowed = string.Join(", ", SupportedMethods.Where(resource.Methods.ContainsKey));
            throw new RapiException(501, $"Method {method} is unsupported for path {rawPath}",
                new Dictionary<string, string> { ["Allow"] = allowed });
        }

        var user = Authenticate(request, handlerMethod.Access);

        var body = await ReadBodyAsync(request, context.RequestAborted);
        JsonNode? parsed = null;
        if (body.Length > 0)
        {
            if (!IsJsonContentType(request.ContentType))
                throw new RapiException(415, request.ContentType is null
                    ? "A request body needs the header Content-Type: application/json"
                    : $"Unsupported content type '{request.ContentType}'; use application/json");
            try
            {
                parsed = RapiJson.Parse(body);
            }
            catch (JsonException)
            {
                throw RapiException.BadRequest("Unable to parse JSON data");
            }
        }

        var rapiRequest = new RapiRequest(method, rawPath, resource, match.Items, ParseQuery(rawQuery), parsed,
            body.Length > 0, user, _master, _options, context.RequestAborted);
        return await handlerMethod.Handler(rapiRequest);
    }

    /// <summary>Oversized bodies up to this size are read and thrown away before the 413 goes out.</summary>
    private const long DiscardLimit = 16 * 1024 * 1024;

    /// <summary>
    /// Reads an oversized body and throws it away, so that a client still sending it receives the
    /// 413 answer instead of a reset connection. Bodies beyond <see cref="DiscardLimit"/> are not
    /// read: the connection is closed after the answer.
    /// </summary>
    private static async Task DiscardBodyAsync(HttpContext context, long length)
    {
        if (length > DiscardLimit) return;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = length;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, cts.Token) > 0) { }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // The client stopped sending or was too slow: it gets the answer on a closing connection.
        }
    }

    private string RequestTooLargeMessage() =>
        $"Request body too large (the limit is {_options.MaxRequestBodySize} bytes)";

    /// <summary>
    /// Ganeti's rule: authenticate when the server requires it or the method needs a right,
    /// and also whenever credentials are sent. Bad credentials get 401 with the Basic
    /// challenge; a valid user lacking the right gets 403.
    /// </summary>
    private RapiUser? Authenticate(HttpRequest request, IReadOnlyList<string> access)
    {
        var header = request.Headers.Authorization.ToString();
        var required = _options.RequireAuthentication || access.Count > 0;
        if (!required && string.IsNullOrEmpty(header)) return null;

        var user = CheckAuthorization(header);
        if (user is null)
            throw new RapiException(401, null, new Dictionary<string, string>
            {
                ["WWW-Authenticate"] = $"Basic realm=\"{RapiUsers.Realm}\"",
            });
        if (access.Count > 0 && !user.HasAny(access))
            throw RapiException.Forbidden();
        return user;
    }

    private RapiUser? CheckAuthorization(string header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var parts = header.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        if (!parts[0].Equals("Basic", StringComparison.OrdinalIgnoreCase)) return null;
        if (parts.Length < 2)
            throw RapiException.BadRequest("Basic authentication requires credentials");
        string credentials;
        try
        {
            credentials = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(parts[1].Trim()));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
        var colon = credentials.IndexOf(':');
        if (colon < 0) return null;
        var name = credentials[..colon];
        var password = credentials[(colon + 1)..];
        var user = _users.Get(name);
        return user is not null && RapiUsers.VerifyPassword(name, password, user.Password) ? user : null;
    }

    private async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0) return [];
        var limit = _options.MaxRequestBodySize;
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var n = await request.Body.ReadAsync(chunk, ct);
            if (n == 0) break;
            if (buffer.WrittenCount + n > limit)
                throw new RapiException(413, RequestTooLargeMessage());
            buffer.Write(chunk.AsSpan(0, n));
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (contentType is null) return false;
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase);
    }

    private static (string Path, string Query) SplitTarget(string rawTarget)
    {
        var q = rawTarget.IndexOf('?');
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? "" : rawTarget[(q + 1)..];
        // absolute-form targets (http://host/path) are legal HTTP/1.1; keep only the path
        if (!path.StartsWith('/') && Uri.TryCreate(path, UriKind.Absolute, out var abs))
            path = abs.AbsolutePath;
        return (path, query);
    }

    /// <summary>Python's parse_qs: '&amp;'-separated, '+' is a space, blank values dropped, repeats kept.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseQuery(string rawQuery)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq < 0) continue;
            var name = Decode(pair[..eq]);
            var value = Decode(pair[(eq + 1)..]);
            if (value.Length == 0) continue;
            if (!result.TryGetValue(name, out var list)) result[name] = list = [];
            list.Add(value);
        }
        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
    }

    private static string Decode(string s)
    {
        try
        {
            return Uri.UnescapeDataString(s.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            throw RapiException.BadRequest("Malformed query string");
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, RapiException e)
    {
        if (context.Response.HasStarted) return;
        var body = new JsonObject
        {
            ["code"] = e.StatusCode,
            ["message"] = e.Message,
            ["explain"] = HttpStatusText.Long(e.StatusCode),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, RapiJson.ErrorOutput);
        context.Response.Clear();
        context.Response.StatusCode = e.StatusCode;
        context.Response.ContentType = JsonContentType;
        foreach (var (k, v) in e.Headers)
            context.Response.Headers[k] = v;
        context.Response.ContentLength = bytes.Length;
        try
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
