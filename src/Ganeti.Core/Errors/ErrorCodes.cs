namespace Ganeti.Core.Errors;

/// <summary>
/// Ganeti's ECODE_* values: the class of a failure carried as the second argument of an
/// OpPrereqError. Clients (the CLI, RAPI users, our cmdlets) map these to their own categories.
/// </summary>
public static class ErrorCodes
{
    public const string Resolver = "resolver_error";
    public const string InsufficientResources = "insufficient_resources";
    public const string TempInsufficientResources = "temp_insufficient_resources";
    public const string WrongInput = "wrong_input";
    public const string WrongState = "wrong_state";
    public const string UnknownEntity = "unknown_entity";
    public const string AlreadyExists = "already_exists";
    public const string NotUnique = "resource_not_unique";
    public const string Fault = "internal_error";
    public const string Environment = "environment_error";

    public static readonly IReadOnlyList<string> All =
    [
        AlreadyExists, Environment, InsufficientResources, Fault, Resolver, NotUnique,
        TempInsufficientResources, UnknownEntity, WrongInput, WrongState,
    ];
}
