using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ganeti.Core.Errors;

namespace Ganeti.Remoting.Rapi.Errors;

/// <summary>
/// Turns a non-2xx RAPI response into a <see cref="RapiException"/>. Ganeti's error body is
/// <c>{"code": 400, "message": "...", "explain": "..."}</c>; Ganeti itself puts the HTTP reason
/// phrase in <c>explain</c>, our master may put the error kind (ECODE) there instead. The message
/// of a refused opcode reads like Python's <c>str(OpPrereqError)</c>, e.g.
/// <c>('Instance x not known', 'unknown_entity')</c>, or like the CLI's
/// <c>... (error type: wrong_input)</c>; both carry the kind, and both are understood here.
/// </summary>
public static partial class RapiErrorParser
{
    [GeneratedRegex(@"\(error type: (?<ecode>[a-z_]+)\)\s*$")]
    private static partial Regex ErrorTypeSuffix();

    [GeneratedRegex(@"^(?<prefix>.*?)\(\s*['""](?<msg>.*)['""]\s*,\s*['""](?<ecode>[a-z_]+)['""]\s*\)$", RegexOptions.Singleline)]
    private static partial Regex PythonTuple();

    [GeneratedRegex(@"^(?<cls>Op[A-Za-z]+Error|[A-Z][A-Za-z]+Error):\s*(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex ErrorClassPrefix();

    public static RapiException FromResponse(HttpStatusCode status, string? body, string request, string? userName)
    {
        int? code = null;
        string? message = null;
        string? explain = null;
        string? ecode = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                if (JsonNode.Parse(body) is JsonObject o)
                {
                    code = o["code"] is JsonValue c && c.TryGetValue<int>(out var ci) ? ci : null;
                    message = AsText(o["message"]);
                    explain = AsText(o["explain"]);
                    ecode = AsText(o["ecode"]) ?? AsText(o["error_type"]);
                }
                else
                {
                    message = body.Trim();
                }
            }
            catch (JsonException)
            {
                // A proxy or a foreign server: keep a short, readable excerpt, never a whole page.
                message = Excerpt(body);
            }
        }

        if (message is not null)
            message = WebUtility.HtmlDecode(message);
        (message, var fromMessage) = ExtractEcode(message);
        ecode ??= IsEcode(explain) ? explain : fromMessage;
        if (!IsEcode(ecode))
            ecode = null;

        var kind = KindOf(status);
        var text = Describe(status, message, request);
        if (kind is RapiErrorKind.AuthenticationFailed or RapiErrorKind.Forbidden)
        {
            return new RapiAuthenticationException(kind, kind == RapiErrorKind.AuthenticationFailed
                ? (userName is null
                    ? $"The master requires authentication for {request}: connect with -Credential."
                    : $"The master refused the user name or password of '{userName}' ({request}).")
                : $"User '{userName ?? "(anonymous)"}' lacks the right to {request}: the RAPI users file must grant 'write'.")
            {
                StatusCode = status, ServerMessage = message, Explain = explain, Request = request, UserName = userName,
            };
        }
        return new RapiException(kind, text)
        {
            StatusCode = status, Ecode = ecode, ServerMessage = message, Explain = explain, Request = request,
        };
    }

    /// <summary>Splits a Ganeti error message into its text and the error kind it carries, if any.</summary>
    public static (string? Message, string? Ecode) ExtractEcode(string? message)
    {
        if (string.IsNullOrEmpty(message))
            return (message, null);
        var m = message.Trim();
        var cls = ErrorClassPrefix().Match(m);
        if (cls.Success)
            m = cls.Groups["rest"].Value.Trim();
        var tuple = PythonTuple().Match(m);
        if (tuple.Success && IsEcode(tuple.Groups["ecode"].Value))
            return (tuple.Groups["prefix"].Value + tuple.Groups["msg"].Value, tuple.Groups["ecode"].Value);
        var suffix = ErrorTypeSuffix().Match(m);
        if (suffix.Success && IsEcode(suffix.Groups["ecode"].Value))
            return (m[..suffix.Index].TrimEnd(), suffix.Groups["ecode"].Value);
        return (message, null);
    }

    public static bool IsEcode(string? s) => s is not null && ErrorCodes.All.Contains(s);

    public static RapiErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        401 => RapiErrorKind.AuthenticationFailed,
        403 => RapiErrorKind.Forbidden,
        404 => RapiErrorKind.NotFound,
        405 or 501 => RapiErrorKind.NotSupported,
        409 => RapiErrorKind.Conflict,
        408 => RapiErrorKind.Timeout,
        502 or 503 or 504 => RapiErrorKind.Unavailable,
        >= 500 => RapiErrorKind.ServerError,
        _ => RapiErrorKind.BadRequest,
    };

    private static string Describe(HttpStatusCode status, string? message, string request)
    {
        var reason = (int)status switch
        {
            404 => "not found",
            400 => "refused as invalid",
            405 => "not supported by this master",
            501 => "not implemented by this master",
            502 => "failed: the master daemon is unreachable",
            503 => "failed: the job queue is full or drained",
            504 => "timed out inside the master",
            >= 500 => "failed inside the master",
            _ => $"failed with HTTP {(int)status}",
        };
        return string.IsNullOrWhiteSpace(message) || IsBareReason(message, status)
            ? $"{request} {reason}."
            : $"{request} {reason}: {message}";
    }

    private static bool IsBareReason(string message, HttpStatusCode status) =>
        string.Equals(message.Trim().TrimEnd('.'), ReasonPhrase(status), StringComparison.OrdinalIgnoreCase);

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        _ => status.ToString(),
    };

    private static string? AsText(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(),
    };

    private static string Excerpt(string body)
    {
        var text = Regex.Replace(body, "<[^>]*>", " ");
        text = Regex.Replace(text, @"\s+", " ").Trim();
        return text.Length <= 200 ? text : text[..197] + "...";
    }
}
