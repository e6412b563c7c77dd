namespace Ganeti.NodeHelpers.Os;

/// <summary>The files of an OS definition (man ganeti-os-interface).</summary>
public static class OsScripts
{
    public const string Create = "create";
    public const string CreateUntrusted = "create_untrusted";
    public const string Import = "import";
    public const string Export = "export";
    public const string Rename = "rename";
    public const string Verify = "verify";

    public const string ApiVersionFile = "ganeti_api_version";
    public const string VariantsFile = "variants.list";
    public const string ParametersFile = "parameters.list";

    public static readonly IReadOnlyList<string> All = [Create, CreateUntrusted, Import, Export, Rename, Verify];

    /// <summary>The API versions this node speaks (Ganeti's osApiVersions).</summary>
    public static readonly IReadOnlyList<int> ApiVersions = [20, 15, 10];

    public const int ApiV15 = 15;
    public const int ApiV20 = 20;

    /// <summary>The argument verify takes to check OSP_* parameters.</summary>
    public const string VerifyParameters = "parameters";
}
