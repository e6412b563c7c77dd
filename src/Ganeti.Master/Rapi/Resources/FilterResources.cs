using System.Text.Json.Nodes;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>
/// /2/filters and /2/filters/[uuid]: job filter rules, read through query2. Changing them
/// needs master calls the master service does not offer yet, so those methods answer 501.
/// </summary>
public static class FilterResources
{
    public static void Register(RapiRouteTable t)
    {
        t.Add("/2/filters", "filters")
            .Get(async r => r.UseBulk()
                ? await RapiQueries.BulkAsync(r, "filter", RapiFields.FilterRule)
                : await RapiQueries.UriListAsync(r, "filter", "uuid", "/2/filters/", "uuid"))
            .Post(NotSupported);
        t.Add("/2/filters/{filter}", "filters_uuid")
            .Get(async r =>
            {
                var rows = await RapiQueries.RowsAsync(r, "filter", RapiFields.FilterRule, RapiQueries.NameFilter("uuid", [r.Item(0)]));
                if (rows.Count == 0) throw RapiException.NotFound();
                return RapiQueries.MapFields(RapiFields.FilterRule, rows[0]);
            })
            .Put(NotSupported)
            .Delete(NotSupported);
    }

    private static Task<JsonNode?> NotSupported(RapiRequest r) =>
        throw new RapiException(501, "Changing job filter rules is not supported by this server yet");
}
