using System.Text.Json.Nodes;

namespace Ganeti.Core.Errors;

/// <summary>
/// A failure as Ganeti reports it: an error class name (OpPrereqError, OpExecError, ...)
/// and, for prerequisite failures, an ECODE. On the wire it travels as
/// <c>["OpPrereqError", ["message", "wrong_input"]]</c>.
/// </summary>
public class GanetiException : Exception
{
    public GanetiException(string errorClass, string message, string? ecode = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorClass = errorClass;
        Ecode = ecode;
    }

    /// <summary>Ganeti's exception class name, e.g. <c>OpPrereqError</c>.</summary>
    public string ErrorClass { get; }

    /// <summary>One of <see cref="ErrorCodes"/>, or null when the error carries none.</summary>
    public string? Ecode { get; }

    /// <summary>A prerequisite failed: nothing was changed.</summary>
    public static GanetiException Prereq(string message, string ecode) =>
        new("OpPrereqError", message, ecode);

    /// <summary>Bad input: wrong type, missing or out-of-range parameter.</summary>
    public static GanetiException WrongInput(string message) =>
        new("OpPrereqError", message, ErrorCodes.WrongInput);

    /// <summary>The named object does not exist.</summary>
    public static GanetiException NotFound(string kind, string name) =>
        new("OpPrereqError", $"{kind} '{name}' not known", ErrorCodes.UnknownEntity);

    /// <summary>The object is in the wrong state for the operation.</summary>
    public static GanetiException WrongState(string message) =>
        new("OpPrereqError", message, ErrorCodes.WrongState);

    /// <summary>The object already exists.</summary>
    public static GanetiException Exists(string message) =>
        new("OpPrereqError", message, ErrorCodes.AlreadyExists);

    /// <summary>Execution failed part-way.</summary>
    public static GanetiException Exec(string message, Exception? inner = null) =>
        new("OpExecError", message, null, inner);

    /// <summary>A bug or broken invariant on our side.</summary>
    public static GanetiException Program(string message) =>
        new("ProgrammerError", message);

    /// <summary>The opcode was canceled while waiting or running.</summary>
    public static GanetiException Canceled(string message) =>
        new("CancelJob", message);

    /// <summary>Ganeti's wire form: <c>[class, [message, ecode]]</c> or <c>[class, [message]]</c>.</summary>
    public JsonArray ToWire()
    {
        var args = new JsonArray(JsonValue.Create(Message));
        if (Ecode is not null)
            args.Add(JsonValue.Create(Ecode));
        return new JsonArray(JsonValue.Create(ErrorClass), args);
    }

    /// <summary>Reads the wire form back; returns null when the node is not an encoded error.</summary>
    public static GanetiException? FromWire(JsonNode? node)
    {
        if (node is not JsonArray { Count: 2 } arr || arr[0] is not JsonValue cls ||
            !cls.TryGetValue<string>(out var errorClass))
            return null;
        string message = "";
        string? ecode = null;
        if (arr[1] is JsonArray args)
        {
            if (args.Count > 0)
                message = args[0] is JsonValue v && v.TryGetValue<string>(out var s) ? s : args[0]?.ToJsonString() ?? "";
            if (args.Count > 1 && args[1] is JsonValue e && e.TryGetValue<string>(out var ec))
                ecode = ec;
        }
        else if (arr[1] is JsonValue mv && mv.TryGetValue<string>(out var m))
            message = m;
        return new GanetiException(errorClass, message, ecode);
    }

    public override string ToString() =>
        Ecode is null ? $"{ErrorClass}: {Message}" : $"{ErrorClass}: {Message} (error type: {Ecode})";
}
